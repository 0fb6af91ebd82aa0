/**
 * The server plugin: a SERVER span per inbound request, dispatch inside its context, progress and
 * cancellation as span events, CLIENT spans for requests the server sends to the client.
 */
import type {
  McpscopePlugin,
  NotificationFacts,
  RequestFacts,
  SessionFacts,
} from '@mcpscope/core';
import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_CANCELLED_REASON,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROGRESS_CURRENT,
  ATTR_MCP_PROGRESS_TOTAL,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_REFUSAL_PLUGIN,
  ATTR_MCP_REFUSAL_REASON,
  ATTR_MCP_SESSION_ID,
  ATTR_MCP_TOOL_ERROR_REASON,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  capTarget,
  setRequestAttributes,
  spanNameOf,
} from './attributes.js';
import { recordOutcome } from './outcome.js';
import { privateError } from './private-error.js';
import { defersToSentry } from './sentry-detection.js';
import { isTraced, startInboundSpan } from './span-context.js';
import { toolPayloadRecorder } from './tool-payload.js';
import { effectiveProvider, tracerSource } from './tracer.js';
import type { TracingOptions } from './types.js';

const SPAN = Symbol('mcpscope.tracing.span');
const CONTEXT = Symbol('mcpscope.tracing.context');
const DEFERS_TO_SENTRY = Symbol('mcpscope.tracing.defersToSentry');

type Slots = { [slot: symbol]: unknown };

/** The span mcpscope tracing recorded for a request's facts (inbound or server-to-client), if any. */
export function requestSpan(facts: RequestFacts): Span | undefined {
  return (facts as Slots)[SPAN] as Span | undefined;
}

const serverRequestMetaSetter: TextMapSetter<RequestFacts> = {
  set: (request, key, value) => request.setMeta(key, value),
};

function setSessionAttributes(span: Span, session: SessionFacts): void {
  if (session.id !== undefined) span.setAttribute(ATTR_MCP_SESSION_ID, session.id);
  if (session.protocolVersion !== undefined) {
    span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, session.protocolVersion);
  }
  if (session.networkTransport !== undefined) {
    span.setAttribute(ATTR_NETWORK_TRANSPORT, session.networkTransport);
    if (session.networkTransport === 'tcp') span.setAttribute(ATTR_NETWORK_PROTOCOL_NAME, 'http');
  }
}

function addRequestEvent(notification: NotificationFacts): void {
  const span = notification.request === undefined ? undefined : requestSpan(notification.request);
  if (span === undefined || !span.isRecording()) return;
  const params = notification.params;
  if (notification.method === 'notifications/progress') {
    const attributes: Record<string, number> = {};
    if (typeof params?.progress === 'number') attributes[ATTR_MCP_PROGRESS_CURRENT] = params.progress;
    if (typeof params?.total === 'number') attributes[ATTR_MCP_PROGRESS_TOTAL] = params.total;
    span.addEvent(notification.method, attributes, notification.time);
  } else {
    const reason = params?.reason;
    span.addEvent(
      notification.method,
      typeof reason === 'string' ? { [ATTR_MCP_CANCELLED_REASON]: capTarget(reason) } : undefined,
      notification.time,
    );
  }
}

/**
 * OpenTelemetry spans for an observed MCP server, following the MCP semantic conventions:
 * `server.use(tracing())`.
 */
export function tracing(options: TracingOptions = {}): McpscopePlugin {
  const {
    tracerProvider,
    preferAmbientParent = false,
    resourceUriInSpanName = false,
    notificationSpans = false,
    callerErrors = 'error',
    sentry = 'auto',
    flushOnClose = true,
  } = options;
  const tracer = tracerSource(tracerProvider);
  const payloads = toolPayloadRecorder(options);
  let deferralReported = false;

  const recordNotificationSpan = (notification: NotificationFacts): void => {
    const meta = notification.params?._meta;
    const spanContext = startInboundSpan(
      tracer(),
      notification.method,
      SpanKind.SERVER,
      typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : undefined,
      preferAmbientParent,
      notification.time,
    );
    if (spanContext === undefined) return;
    const span = trace.getSpan(spanContext)!;
    if (span.isRecording()) {
      span.setAttribute(ATTR_MCP_METHOD_NAME, notification.method);
      setSessionAttributes(span, notification.session);
    }
    span.end(notification.time);
  };

  return {
    name: 'tracing',

    async close() {
      if (!flushOnClose) return;
      const provider = effectiveProvider(tracerProvider) as { forceFlush?: () => Promise<void> };
      if (typeof provider.forceFlush === 'function') await provider.forceFlush();
    },

    onConnectionOpen(session) {
      if (!defersToSentry(sentry, session.endpoint.instance, () => effectiveProvider(tracerProvider))) return;
      session[DEFERS_TO_SENTRY] = true;
      if (deferralReported) return;
      deferralReported = true;
      process.stderr.write(
        '[mcpscope] tracing: Sentry already records a span for each request of this server ' +
          `(${sentry === 'defer' ? "sentry: 'defer'" : 'its MCP instrumentation and tracer provider are active'}); ` +
          "mcpscope records no server spans for it. Pass tracing({ sentry: 'trace' }) to record both.\n",
      );
    },

    onRequestStart(request) {
      if (request.session[DEFERS_TO_SENTRY] === true) return;
      const { method, target } = request;
      const spanContext = startInboundSpan(
        tracer(),
        spanNameOf(method, target, resourceUriInSpanName),
        SpanKind.SERVER,
        request.meta,
        preferAmbientParent,
        request.startTime,
      );
      if (spanContext === undefined) return;
      const span = trace.getSpan(spanContext)!;
      request[CONTEXT] = spanContext;
      request[SPAN] = span;
      if (!span.isRecording()) return;
      setRequestAttributes(span, method, request.id, target);
      setSessionAttributes(span, request.session);
      if (payloads?.recordArguments === true && method === 'tools/call') {
        payloads.record(span, 'arguments', target, 'server', request.params?.arguments);
      }
    },

    aroundRequest(request, dispatch) {
      const spanContext = request[CONTEXT] as Context | undefined;
      if (spanContext === undefined) dispatch();
      else context.with(spanContext, dispatch);
    },

    onRequestEnd(request) {
      const span = request[SPAN] as Span | undefined;
      if (span === undefined) return;
      try {
        if (!span.isRecording()) return;
        const { method, session } = request;
        if (method === 'initialize' && session.protocolVersion !== undefined) {
          span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, session.protocolVersion);
        }
        if (request.toolErrorReason !== undefined) {
          span.setAttribute(ATTR_MCP_TOOL_ERROR_REASON, request.toolErrorReason);
        }
        if (request.refusal !== undefined) {
          span.setAttribute(ATTR_MCP_REFUSAL_REASON, request.refusal.reason);
          span.setAttribute(ATTR_MCP_REFUSAL_PLUGIN, request.refusal.plugin);
        }
        const error = privateError(request, payloads?.recordArguments === true);
        recordOutcome(span, request.outcome, request.errorCode, error, 'server', callerErrors);
        if (payloads?.recordResults === true && request.outcome === 'ok' && method === 'tools/call') {
          payloads.record(span, 'result', request.target, 'server', request.result);
        }
      } finally {
        span.end(request.endTime);
      }
    },

    onNotification(notification) {
      const { method } = notification;
      if (method === 'notifications/progress' || method === 'notifications/cancelled') {
        addRequestEvent(notification);
      }
      if (
        notificationSpans &&
        notification.direction === 'inbound' &&
        notification.session[DEFERS_TO_SENTRY] !== true
      ) {
        recordNotificationSpan(notification);
      }
    },

    onOutboundRequestStart(request) {
      const parentRequest = request.parentRequest;
      const parent =
        (parentRequest === undefined ? undefined : (parentRequest[CONTEXT] as Context | undefined)) ??
        context.active();
      const span = tracer().startSpan(
        request.method,
        { kind: SpanKind.CLIENT, startTime: request.startTime },
        parent,
      );
      if (!isTraced(span)) return;
      request[SPAN] = span;
      propagation.inject(trace.setSpan(parent, span), request, serverRequestMetaSetter);
      if (!span.isRecording()) return;
      span.setAttribute(ATTR_MCP_METHOD_NAME, request.method);
      span.setAttribute(ATTR_JSONRPC_REQUEST_ID, String(request.id));
      setSessionAttributes(span, request.session);
    },

    onOutboundRequestEnd(request) {
      const span = request[SPAN] as Span | undefined;
      if (span === undefined) return;
      try {
        if (span.isRecording()) {
          recordOutcome(span, request.outcome, request.errorCode, undefined, 'client', callerErrors);
        }
      } finally {
        span.end(request.endTime);
      }
    },
  };
}
