import {
  clearDiagnostic,
  type McpscopePlugin,
  privacyRules,
  privateStrings,
  type RequestFacts,
  reportDiagnostic,
  scrubError,
} from '@mcpscope/core';
import * as Sentry from '@sentry/node';
import { recordClientTransportError, recordRequest } from './breadcrumb-ring.js';
import {
  type CaptureDecision,
  decideCapture,
  executionKindOf,
  isCapturedBySentry,
  isInstrumentedBySentry,
} from './capture-policy.js';
import { DeliveryWatch } from './delivery.js';
import { SENTRY_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { JsonRpcError, McpToolError } from './errors.js';
import { EventEnrichment, type EventLink } from './event-processor.js';
import { activeOpenTelemetrySpan } from './open-telemetry.js';
import { RequestScopes, sentryManagesOpenTelemetryContext } from './request-scopes.js';
import type { SentryOptions, ToolErrorCapture } from './types.js';

/** `mechanism.type` of the events this plugin captures. */
export const MECHANISM_TYPE = 'auto.mcp.mcpscope';

/**
 * The time `close` lets `Sentry.flush` take. Generous on purpose: core's `closeTimeoutMs` is the limit
 * users set, and it cuts the wait short.
 */
const FLUSH_LIMIT_MS = 30_000;

const TOOL_ERROR_CAPTURES: readonly ToolErrorCapture[] = ['off', 'message', 'exception'];

type Client = NonNullable<ReturnType<typeof Sentry.getClient>>;

/**
 * Sentry error tracking for an observed MCP server: `server.use(sentry())`. Reports through the client
 * set up with `Sentry.init`; each request runs in its own isolation scope.
 */
export function sentry(options: SentryOptions = {}): McpscopePlugin {
  const {
    toolErrors = 'off',
    captureClientErrors = false,
    captureTransportErrors = true,
    maxBreadcrumbs = 20,
    fingerprint = true,
    recordUser = false,
    beforeCapture,
    flushOnClose = true,
  } = options;
  const rules = privacyRules(options, 'sentry');
  if (!TOOL_ERROR_CAPTURES.includes(toolErrors)) {
    throw new TypeError(`sentry: toolErrors must be one of ${TOOL_ERROR_CAPTURES.join(', ')}.`);
  }
  if (!Number.isInteger(maxBreadcrumbs) || maxBreadcrumbs < 0) {
    throw new TypeError('sentry: maxBreadcrumbs must be a whole number, 0 or more.');
  }
  if (beforeCapture !== undefined && typeof beforeCapture !== 'function') {
    throw new TypeError('sentry: beforeCapture must be a function (scope, request) => void.');
  }

  /** The client last looked at (null: none yet), and the one reported to (undefined: Sentry is off). */
  let seenClient: Client | undefined | null = null;
  let reportingTo: Client | undefined;
  // Stryker disable next-line BooleanLiteral: never read before refresh() has found a client and set it
  let forkThroughOpenTelemetry = false;
  const enrichedClients = new WeakSet<Client>();

  const scopes = new RequestScopes(() => refresh() !== undefined);

  /** The link of an own capture: the request, and the trace to join as it stands where the request ended. */
  const own = (request: RequestFacts): EventLink => ({
    request,
    trace: request.trace ?? activeOpenTelemetrySpan(),
  });

  /** Captures what `decision` says (`'none'`: nothing, no case of its own). */
  const report = (request: RequestFacts, decision: CaptureDecision): void => {
    const { method } = request;
    switch (decision) {
      case 'thrown': {
        // Sentry's MCP instrumentation may have reported this very error already.
        if (isCapturedBySentry(request.error)) return;
        const error = scrubError(request.error, privateStrings(request, rules));
        const hint = enrichment.hint(own(request), {
          mechanism: { type: MECHANISM_TYPE, handled: false, data: { error_type: executionKindOf(method) } },
        });
        scopes.captureIn(request, () => Sentry.getCurrentScope().captureException(error, hint));
        return;
      }
      case 'server_error': {
        // Sentry's instrumentation reports JSON-RPC server errors from the response it sees go out.
        if (isInstrumentedBySentry(request.session.endpoint)) return;
        const hint = enrichment.hint(own(request), {
          mechanism: { type: MECHANISM_TYPE, handled: false, data: { error_type: 'protocol' } },
        });
        const synthetic = new JsonRpcError(method, request.errorCode);
        scopes.captureIn(request, () => Sentry.getCurrentScope().captureException(synthetic, hint));
        return;
      }
      case 'client_error': {
        // A kept error on the client's side is an object: the SDK took its client code from it.
        const { error } = request;
        if (error !== undefined) {
          if (isCapturedBySentry(error)) return;
          const scrubbed = scrubError(error, privateStrings(request, rules));
          const hint = enrichment.hint(own(request), {
            mechanism: { type: MECHANISM_TYPE, handled: true, data: { error_type: 'client_error' } },
            captureContext: { level: 'warning' },
          });
          scopes.captureIn(request, () => Sentry.getCurrentScope().captureException(scrubbed, hint));
          return;
        }
        // No tool error reason: an error response with a client code (codeless ones are the server's).
        const what = request.toolErrorReason ?? `JSON-RPC error ${request.errorCode}`;
        const message = `${method}${request.target === undefined ? '' : ` ${request.target}`}: ${what}`;
        const hint = enrichment.hint(own(request), {});
        scopes.captureIn(request, () => Sentry.getCurrentScope().captureMessage(message, 'warning', hint));
        return;
      }
      case 'tool_error': {
        if (toolErrors === 'message') {
          const message = `Tool "${request.target ?? 'unknown'}" returned an error result`;
          const hint = enrichment.hint(own(request), {});
          scopes.captureIn(request, () => Sentry.getCurrentScope().captureMessage(message, 'warning', hint));
          return;
        }
        const hint = enrichment.hint(own(request), {
          mechanism: { type: MECHANISM_TYPE, handled: true, data: { error_type: 'tool_error_result' } },
        });
        const synthetic = new McpToolError(request.target);
        scopes.captureIn(request, () => Sentry.getCurrentScope().captureException(synthetic, hint));
        return;
      }
    }
  };

  const plugin: McpscopePlugin = {
    name: 'sentry',
    contextCarrier: scopes.carrier,

    onRequestStart(request) {
      if (refresh() !== undefined && forkThroughOpenTelemetry) scopes.requestFork(request);
    },

    aroundRequest(request, dispatch) {
      if (reportingTo === undefined) dispatch();
      else scopes.around(request, dispatch);
    },

    onRequestEnd(request) {
      if (refresh() === undefined) return;
      if (maxBreadcrumbs > 0) recordRequest(request, maxBreadcrumbs);
      report(request, decideCapture(request, toolErrors, captureClientErrors));
    },

    onTransportError({ error, session, side }) {
      if (refresh() === undefined) return;
      // The client's mistake (malformed JSON, a request before initialize): never an error by default.
      if (side === 'client' && maxBreadcrumbs > 0) recordClientTransportError(session, error, maxBreadcrumbs);
      const capture =
        side === 'client' ? captureClientErrors && captureTransportErrors : captureTransportErrors;
      // Sentry's MCP instrumentation may have reported this very error already.
      if (!capture || isCapturedBySentry(error)) return;
      const hint = enrichment.hint(
        { session },
        {
          mechanism: {
            type: MECHANISM_TYPE,
            handled: side === 'client',
            data: { error_type: side === 'client' ? 'client_transport' : 'transport' },
          },
          ...(side === 'client' ? { captureContext: { level: 'warning' as const } } : {}),
        },
      );
      Sentry.captureException(error, hint);
    },

    async close() {
      if (!flushOnClose) return;
      // Without a client Sentry.flush says false; a client without a DSN (no transport) says true at once.
      if (Sentry.getClient() === undefined) return;
      if (!(await Sentry.flush(FLUSH_LIMIT_MS))) {
        delivery.report(`events were still being sent ${FLUSH_LIMIT_MS / 1000} s after the endpoint closed`);
      }
    },
  };

  const delivery = new DeliveryWatch(plugin);
  const enrichment = new EventEnrichment({
    plugin,
    scopes,
    rules,
    captureClientErrors,
    maxBreadcrumbs,
    fingerprint,
    recordUser,
    beforeCapture,
  });

  /** The client to report to, with this plugin's hooks added; undefined when Sentry is off. */
  function refresh(): Client | undefined {
    const client = Sentry.getClient();
    if (client === seenClient) return reportingTo;
    seenClient = client;
    reportingTo = undefined;
    if (client === undefined) {
      reportDiagnostic(plugin, {
        code: SENTRY_DIAGNOSTIC_CODES.noClient,
        message: 'Sentry is not initialised (no client from Sentry.init), so MCP errors are not reported',
      });
      return undefined;
    }
    clearDiagnostic(plugin, SENTRY_DIAGNOSTIC_CODES.noClient);
    // Sentry.init without a DSN is Sentry switched off on purpose: stay quiet and do nothing.
    if (client.getDsn() === undefined) return undefined;
    if (!enrichedClients.has(client)) {
      enrichedClients.add(client);
      client.on('preprocessEvent', enrichment.preprocess);
      client.addEventProcessor(enrichment.process);
      client.on('processSpan', (span) =>
        enrichment.processSpan(span as { attributes?: Record<string, unknown> }),
      );
    }
    delivery.watch(client);
    forkThroughOpenTelemetry = sentryManagesOpenTelemetryContext();
    reportingTo = client;
    return client;
  }

  return plugin;
}
