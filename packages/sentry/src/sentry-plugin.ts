import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';
import type { EventHint, Scope } from '@sentry/node';
import * as Sentry from '@sentry/node';
import { recordRequest } from './breadcrumb-ring.js';
import {
  type CaptureDecision,
  decideCapture,
  executionKindOf,
  isCapturedBySentry,
  isInstrumentedBySentry,
} from './capture-policy.js';
import { reportDeliveryFailure, watchDelivery } from './delivery.js';
import { JsonRpcError, McpToolError } from './errors.js';
import { createEventProcessor, OWN_CAPTURE, type ScopeLink } from './event-enrichment.js';
import { activeOpenTelemetrySpan } from './open-telemetry.js';
import type { SentryPluginOptions } from './types.js';

/** `mechanism.type` of the events this plugin captures. */
export const MECHANISM_TYPE = 'auto.mcp.mcpscope';

const ISOLATION_SCOPE = Symbol('mcpscope.sentry.isolationScope');
const SCOPE = Symbol('mcpscope.sentry.scope');

const NO_CLIENT_WARNING =
  '[mcpscope] @mcpscope/sentry: Sentry is not initialised (no client from Sentry.init), ' +
  'so MCP errors are not reported.\n';

let instances = 0;

type Client = NonNullable<ReturnType<typeof Sentry.getClient>>;

/**
 * Sentry error tracking for an observed MCP server: `server.use(sentry())`. Reports through the client
 * set up with `Sentry.init`; each request runs in its own isolation scope.
 */
export function sentry(options: SentryPluginOptions = {}): McpscopePlugin {
  const {
    toolErrors = 'off',
    captureClientErrors = false,
    captureTransportErrors = true,
    recordArguments = false,
    maxArgumentsLength = 1024,
    maxBreadcrumbs = 20,
    fingerprint = true,
    flushTimeoutMs = 2000,
  } = options;

  // Each plugin instance links scopes to facts under its own key, so two instances never mix.
  const metadataKey = `mcpscope.sentry.${++instances}`;
  const processor = createEventProcessor({
    metadataKey,
    recordArguments,
    maxArgumentsLength,
    maxBreadcrumbs,
    fingerprint,
  });
  const enrichedClients = new WeakSet<Client>();
  let lastClient: Client | undefined;
  let warned = false;

  /** The client to report to, with this plugin's event processor added; undefined when Sentry is off. */
  const reportingClient = (): Client | undefined => {
    const client = Sentry.getClient();
    if (client === undefined) {
      if (!warned) {
        warned = true;
        process.stderr.write(NO_CLIENT_WARNING);
      }
      return undefined;
    }
    if (client === lastClient) return client;
    // Sentry.init without a DSN is Sentry switched off on purpose: stay quiet and do nothing.
    if (client.getDsn() === undefined) return undefined;
    if (!enrichedClients.has(client)) {
      enrichedClients.add(client);
      client.addEventProcessor(processor);
      watchDelivery(client);
    }
    lastClient = client;
    return client;
  };

  const link = (scope: Scope, facts: ScopeLink): void => {
    scope.setSDKProcessingMetadata({ [metadataKey]: facts });
  };

  /** Runs `capture` inside the request's own scopes (or fresh ones when dispatch did not set them up). */
  const captureForRequest = (request: RequestFacts, capture: (scope: Scope) => void): void => {
    const isolationScope = request[ISOLATION_SCOPE] as Scope | undefined;
    const scope = request[SCOPE] as Scope | undefined;
    if (isolationScope !== undefined && scope !== undefined) {
      Sentry.withIsolationScope(isolationScope, () => capture(scope));
      return;
    }
    Sentry.withIsolationScope((freshIsolationScope) => {
      link(freshIsolationScope, { request });
      capture(Sentry.getCurrentScope());
    });
  };

  const report = (request: RequestFacts, decision: CaptureDecision): void => {
    const { method, error } = request;
    switch (decision) {
      case 'thrown': {
        // Sentry's MCP instrumentation may have reported this very error already.
        if (isCapturedBySentry(error)) return;
        const hint: EventHint = {
          mechanism: { type: MECHANISM_TYPE, handled: false, data: { error_type: executionKindOf(method) } },
          data: OWN_CAPTURE,
        };
        captureForRequest(request, (scope) => scope.captureException(error, hint));
        return;
      }
      case 'server_error': {
        // Sentry's instrumentation reports JSON-RPC server errors from the response it sees go out.
        if (isInstrumentedBySentry(request.session.endpoint)) return;
        const hint: EventHint = {
          mechanism: { type: MECHANISM_TYPE, handled: false, data: { error_type: 'protocol' } },
          data: OWN_CAPTURE,
        };
        const synthetic = new JsonRpcError(method, request.errorCode);
        captureForRequest(request, (scope) => scope.captureException(synthetic, hint));
        return;
      }
      case 'client_error': {
        if (error !== undefined && typeof error === 'object') {
          if (isCapturedBySentry(error)) return;
          const hint: EventHint = {
            mechanism: { type: MECHANISM_TYPE, handled: true, data: { error_type: 'client_error' } },
            data: OWN_CAPTURE,
            captureContext: { level: 'warning' },
          };
          captureForRequest(request, (scope) => scope.captureException(error, hint));
          return;
        }
        const what = request.toolErrorReason ?? `JSON-RPC error ${request.errorCode ?? 'without a code'}`;
        const message = `${method}${request.target === undefined ? '' : ` ${request.target}`}: ${what}`;
        captureForRequest(request, (scope) =>
          scope.captureMessage(message, 'warning', { data: OWN_CAPTURE }),
        );
        return;
      }
      case 'tool_error': {
        if (toolErrors === 'message') {
          const message = `Tool "${request.target ?? 'unknown'}" returned an error result`;
          captureForRequest(request, (scope) =>
            scope.captureMessage(message, 'warning', { data: OWN_CAPTURE }),
          );
          return;
        }
        const hint: EventHint = {
          mechanism: { type: MECHANISM_TYPE, handled: true, data: { error_type: 'tool_error_result' } },
          data: OWN_CAPTURE,
        };
        const synthetic = new McpToolError(request.target);
        captureForRequest(request, (scope) => scope.captureException(synthetic, hint));
        return;
      }
      default:
        return;
    }
  };

  return {
    name: 'sentry',

    aroundRequest(request, dispatch) {
      if (reportingClient() === undefined) {
        dispatch();
        return;
      }
      Sentry.withIsolationScope((isolationScope) => {
        link(isolationScope, { request });
        request[ISOLATION_SCOPE] = isolationScope;
        // withIsolationScope forked the current scope too: it is this request's alone.
        const scope = Sentry.getCurrentScope();
        request[SCOPE] = scope;
        // Without a Sentry span of its own, events continue the OpenTelemetry span around the request
        // (what continueTrace does, without forking the scope a second time).
        const parent = Sentry.getActiveSpan() === undefined ? activeOpenTelemetrySpan() : undefined;
        if (parent !== undefined) {
          scope.setPropagationContext({
            traceId: parent.traceId,
            parentSpanId: parent.spanId,
            sampleRand: Math.random(),
          });
        }
        dispatch();
      });
    },

    onRequestEnd(request) {
      if (reportingClient() === undefined) return;
      try {
        if (maxBreadcrumbs > 0) recordRequest(request, maxBreadcrumbs);
        const decision = decideCapture(request, toolErrors, captureClientErrors);
        if (decision !== 'none') report(request, decision);
      } finally {
        if (request[ISOLATION_SCOPE] !== undefined) {
          request[ISOLATION_SCOPE] = undefined;
          request[SCOPE] = undefined;
        }
      }
    },

    onTransportError({ error, session }) {
      if (!captureTransportErrors || isCapturedBySentry(error) || reportingClient() === undefined) return;
      Sentry.withIsolationScope((isolationScope) => {
        link(isolationScope, { session });
        Sentry.captureException(error, {
          mechanism: { type: MECHANISM_TYPE, handled: false, data: { error_type: 'transport' } },
          data: OWN_CAPTURE,
        });
      });
    },

    async close() {
      const client = Sentry.getClient();
      if (client === undefined) return;
      const flushed = await Sentry.flush(flushTimeoutMs);
      if (!flushed && client.getDsn() !== undefined) {
        reportDeliveryFailure(
          client,
          `events were still being sent when the ${flushTimeoutMs} ms flush limit passed`,
        );
      }
    },
  };
}
