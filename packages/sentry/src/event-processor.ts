/**
 * What every event captured for a request gets, whoever captured it (this plugin, Sentry's MCP
 * instrumentation, the handler's own `Sentry.capture*`): the request it belongs to is found when the
 * event is captured (`preprocessEvent`, in the capturing context), its scope joins the request's trace
 * and passes through `beforeCapture`; then one event processor per client adds tags, the `mcp_request`
 * context, the user, a fingerprint and breadcrumbs, and applies the privacy rule. Nothing is computed
 * per request: only events pay.
 */
import {
  currentRequest,
  type McpscopePlugin,
  type PrivacyRules,
  privateStrings,
  type RequestFacts,
  reportDiagnostic,
  type SessionFacts,
  type TraceIds,
  transportErrorSide,
} from '@mcpscope/core';
import type { addEventProcessor, Event, EventHint } from '@sentry/node';
import * as Sentry from '@sentry/node';
import { sessionBreadcrumbs } from './breadcrumb-ring.js';
import { hasClientErrorCode } from './capture-policy.js';
import { SENTRY_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import {
  mcpFingerprint,
  mcpTags,
  requestContext,
  SENTRY_MCP_MECHANISM,
  sentryMcpErrorType,
  sentryProtocolErrorCode,
} from './event-facts.js';
import { applyPrivacy, privateJsonRpcBody } from './event-privacy.js';
import { activeOpenTelemetrySpan } from './open-telemetry.js';
import type { RequestScopes } from './request-scopes.js';
import type { BeforeCaptureHook } from './types.js';

/** What an event is about: a request, or (transport errors) a session. */
export interface EventLink {
  readonly request?: RequestFacts;
  readonly session?: SessionFacts;
  /**
   * For this plugin's own captures: the trace to join, read where the request ended (the capture itself
   * runs in the request's scopes, which may predate the span).
   */
  readonly trace?: TraceIds | undefined;
}

/** Marks this plugin's own captures in their event hint (`hint.data`). */
export const OWN_CAPTURE = Object.freeze({ capturedBy: '@mcpscope/sentry' });

type EventProcessor = Parameters<typeof addEventProcessor>[0];

/**
 * Marks the hint of an event some instance of this plugin linked to a request or session (all copies
 * and instances agree on it): another instance leaves such an event to the one that owns it.
 */
const LINKED = Symbol.for('mcpscope.sentry.linked');

/** The span attribute Sentry's RequestData integration puts an incoming HTTP body in. */
const HTTP_REQUEST_BODY_DATA = 'http.request.body.data';
type Hint = EventHint & Record<symbol, unknown>;

export interface EnrichmentOptions {
  readonly plugin: McpscopePlugin;
  readonly scopes: RequestScopes;
  readonly rules: PrivacyRules;
  readonly captureClientErrors: boolean;
  readonly maxBreadcrumbs: number;
  readonly fingerprint: boolean;
  readonly recordUser: boolean;
  readonly beforeCapture: BeforeCaptureHook | undefined;
}

/** What becomes of an event Sentry's MCP instrumentation captured. */
type SentryEventVerdict = 'keep' | 'drop' | 'warning';

/**
 * Sentry's MCP instrumentation reports what mcpscope leaves to the client: transport errors the client
 * caused, errors carrying a client-side JSON-RPC code (`UrlElicitationRequiredError`), and every error
 * response as a synthetic `JsonRpcError_<code>` (a second report when the original error exists).
 */
function judgeSentryEvent(
  hint: EventHint,
  request: RequestFacts | undefined,
  captureClientErrors: boolean,
): SentryEventVerdict {
  const errorType = sentryMcpErrorType(hint);
  if (errorType === undefined) return 'keep';
  const clientMistake = captureClientErrors ? 'warning' : 'drop';
  if (errorType === 'transport') {
    return transportErrorSide(hint.originalException) === 'client' ? clientMistake : 'keep';
  }
  if (errorType === 'protocol') {
    const code = sentryProtocolErrorCode(hint);
    if (code !== undefined && hasClientErrorCode({ code })) return 'drop';
    return request?.error === undefined ? 'keep' : 'drop';
  }
  return hasClientErrorCode(hint.originalException) ? clientMistake : 'keep';
}

function sameTrace(scope: ReturnType<typeof Sentry.getCurrentScope>, traceId: string): boolean {
  return scope.getPropagationContext().traceId === traceId;
}

export class EventEnrichment {
  /** Where the link of an event lives in its hint (per plugin instance). */
  readonly linkKey = Symbol('mcpscope.sentry.link');
  private inHook = false;

  constructor(private readonly options: EnrichmentOptions) {}

  /** A hint for this plugin's own capture of an event about `link`. */
  hint(link: EventLink, hint: EventHint): EventHint {
    return { ...hint, data: OWN_CAPTURE, [this.linkKey]: link, [LINKED]: true } as EventHint;
  }

  /**
   * `preprocessEvent`: runs synchronously where the event is captured, before Sentry reads the scope.
   * Finds the request, continues its trace on the scope, and lets `beforeCapture` enrich the scope.
   */
  readonly preprocess = (event: Event, eventHint?: EventHint): void => {
    if (event.type !== undefined || eventHint === undefined) return; // transactions, other non-errors
    const hint = eventHint as Hint;
    let link = hint[this.linkKey] as EventLink | undefined;
    if (link === undefined) {
      const request = currentRequest();
      if (request === undefined || !this.options.scopes.owns(request)) return;
      link = { request };
      hint[this.linkKey] = link;
      hint[LINKED] = true;
    }
    const { request } = link;
    if (request === undefined) return;
    const scope = Sentry.getCurrentScope();
    if (Sentry.getActiveSpan() === undefined) {
      // The span recording the request (set by the tracing plugin), else the active OpenTelemetry span.
      const trace = 'trace' in link ? link.trace : (request.trace ?? activeOpenTelemetrySpan());
      if (trace !== undefined && !sameTrace(scope, trace.traceId)) {
        scope.setPropagationContext({
          traceId: trace.traceId,
          parentSpanId: trace.spanId,
          sampled: (trace.traceFlags & 1) === 1,
          sampleRand: Math.random(),
        });
      }
    }
    this.runBeforeCapture(scope, request);
  };

  private runBeforeCapture(scope: ReturnType<typeof Sentry.getCurrentScope>, request: RequestFacts): void {
    const { beforeCapture, plugin } = this.options;
    // A hook that captures an event itself must not run again for it.
    if (beforeCapture === undefined || this.inHook) return;
    this.inHook = true;
    try {
      beforeCapture(scope, request);
    } catch (error) {
      reportDiagnostic(plugin, {
        code: SENTRY_DIAGNOSTIC_CODES.hookFailed,
        hook: 'beforeCapture',
        message: 'beforeCapture threw; the event was sent as if it had returned',
        error,
      });
    } finally {
      this.inHook = false;
    }
  }

  /** A JSON-RPC body on an event this plugin cannot tie to a request (a transaction, another error). */
  private protectBody(event: Event): void {
    const request = event.request;
    if (request?.data === undefined) return;
    const body = privateJsonRpcBody(request.data, this.options.rules);
    if (body === 'keep') return;
    const copy = { ...request };
    if (body === undefined) delete copy.data;
    else copy.data = body;
    event.request = copy;
  }

  /**
   * `processSpan`: Sentry's Http integration records incoming bodies on its `http.server` spans when
   * tracing is on; a JSON-RPC (MCP) body there follows the privacy rule too.
   */
  readonly processSpan = (span: { attributes?: Record<string, unknown> }): void => {
    const attributes = span.attributes;
    const data = attributes?.[HTTP_REQUEST_BODY_DATA];
    if (attributes === undefined || data === undefined) return;
    const body = privateJsonRpcBody(data, this.options.rules);
    if (body === 'keep') return;
    if (body === undefined) delete attributes[HTTP_REQUEST_BODY_DATA];
    else attributes[HTTP_REQUEST_BODY_DATA] = body;
  };

  /** The client's event processor: runs after Sentry's own integrations (RequestData) filled the event. */
  readonly process: EventProcessor = (event, eventHint) => {
    if (event.type !== undefined) {
      this.protectBody(event);
      return event;
    }
    const { rules, captureClientErrors, maxBreadcrumbs } = this.options;
    const hint = eventHint as Hint;
    const link = hint[this.linkKey] as EventLink | undefined;
    const request = link?.request;
    const session = request?.session ?? link?.session;
    // Another instance's event: it applies its own options.
    if (link === undefined && hint[LINKED] === true) return event;
    if (hint.mechanism?.type === SENTRY_MCP_MECHANISM) {
      const verdict = judgeSentryEvent(hint, request, captureClientErrors);
      if (verdict === 'drop') return null;
      if (verdict === 'warning') event.level = 'warning';
    }
    if (session === undefined) {
      // Sentry's MCP instrumentation outside any request of ours (its transport errors): privacy only.
      if (hint.mechanism?.type === SENTRY_MCP_MECHANISM) applyPrivacy(event, rules, []);
      else this.protectBody(event);
      return event;
    }

    event.tags = { ...mcpTags(request, session, hint), ...event.tags };
    const hidden = request === undefined ? [] : privateStrings(request, rules);
    if (request !== undefined) {
      event.contexts = { ...event.contexts, mcp_request: requestContext(request, rules, hidden) };
      const clientId = request.auth?.clientId;
      if (this.options.recordUser && clientId !== undefined && event.user?.id === undefined) {
        event.user = { ...event.user, id: clientId };
      }
    }
    applyPrivacy(event, rules, hidden);
    const mcpCapture = hint.data === OWN_CAPTURE || hint.mechanism?.type === SENTRY_MCP_MECHANISM;
    if (this.options.fingerprint && mcpCapture && event.fingerprint === undefined) {
      event.fingerprint = mcpFingerprint(request, session, event, hint);
    }
    if (maxBreadcrumbs > 0) {
      const beforeMs = (event.timestamp ?? Date.now() / 1000) * 1000;
      const recent = sessionBreadcrumbs(session, beforeMs, request);
      if (recent.length > 0) {
        const merged = event.breadcrumbs === undefined ? recent : [...event.breadcrumbs, ...recent];
        merged.sort((left, right) => (left.timestamp ?? 0) - (right.timestamp ?? 0));
        event.breadcrumbs = merged;
      }
    }
    return event;
  };
}
