/**
 * The plugin: a span per request an observed endpoint handles (SERVER) or sends (CLIENT), for servers
 * and clients alike; handlers run inside their span's context (core enters it through the plugin's
 * context carrier); progress and cancellation become span events.
 */
import {
  ATTRIBUTES,
  type McpscopePlugin,
  type NotificationFacts,
  privacyRules,
  type RequestFacts,
  reportDiagnostic,
} from '@mcpscope/core';
import { type Context, context, propagation, type Span, SpanKind, trace } from '@opentelemetry/api';
import { openTelemetryCarrier } from './context-carrier.js';
import { TRACING_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { recordArguments, recordResult } from './payloads.js';
import { AWAITING_CANCEL_REASON, CONTEXT, SPAN } from './request-slots.js';
import { defersToSentry } from './sentry-detection.js';
import { addEndAttributes, notificationAttributes, requestAttributes } from './span-attributes.js';
import { capTarget, SpanNames } from './span-names.js';
import { recordOutcome } from './span-outcome.js';
import { isTraced, metaSetter, spanOptions, startInboundSpan } from './span-parent.js';
import { effectiveProvider, tracerSource } from './tracer.js';
import type { TracingOptions } from './types.js';
import { callSpanHook, isIgnored } from './user-hooks.js';

const DEFERS_TO_SENTRY = Symbol('mcpscope.tracing.defersToSentry');

function addRequestEvent(span: Span, notification: NotificationFacts): void {
  const { params, method } = notification;
  if (method === 'notifications/progress') {
    const attributes: Record<string, number> = {};
    if (typeof params?.progress === 'number') attributes[ATTRIBUTES.progressCurrent] = params.progress;
    if (typeof params?.total === 'number') attributes[ATTRIBUTES.progressTotal] = params.total;
    span.addEvent(method, attributes, notification.time);
  } else {
    const reason = params?.reason;
    span.addEvent(
      method,
      typeof reason === 'string' ? { [ATTRIBUTES.cancelledReason]: capTarget(reason) } : undefined,
      notification.time,
    );
  }
}

/**
 * OpenTelemetry spans for an observed MCP server or client, following the MCP semantic conventions:
 * `observe(server).use(tracing())`, `observe(client).use(tracing())`.
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
    requestHook,
    responseHook,
    ignore,
  } = options;
  if (callerErrors !== 'error' && callerErrors !== 'unset') {
    throw new TypeError("tracing: callerErrors must be 'error' or 'unset'.");
  }
  if (sentry !== 'auto' && sentry !== 'defer' && sentry !== 'trace') {
    throw new TypeError("tracing: sentry must be 'auto', 'defer' or 'trace'.");
  }
  const rules = privacyRules(options, 'tracing');
  const tracer = tracerSource(tracerProvider);
  const names = new SpanNames(resourceUriInSpanName);
  const unsetCallerErrors = callerErrors === 'unset';

  /** Ends a request's span with its outcome; the span is ended whatever happens. */
  const endSpan = (span: Span, request: RequestFacts): void => {
    try {
      if (span.isRecording()) {
        addEndAttributes(span, request);
        recordOutcome(span, request, unsetCallerErrors, rules);
        recordResult(span, request, rules);
        if (responseHook !== undefined) callSpanHook(plugin, 'responseHook', responseHook, span, request);
      }
    } finally {
      span.end(request.endTime);
    }
  };

  const endCancelledOutbound = (request: RequestFacts): void => {
    if (request[AWAITING_CANCEL_REASON] !== true) return;
    request[AWAITING_CANCEL_REASON] = false;
    endSpan(request[SPAN] as Span, request);
  };

  const recordNotificationSpan = (notification: NotificationFacts): void => {
    const meta = notification.params?._meta;
    const spanContext = startInboundSpan(
      tracer(),
      notification.method,
      spanOptions(SpanKind.SERVER, notification.time, notificationAttributes(notification)),
      typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : undefined,
      preferAmbientParent,
    );
    if (spanContext !== undefined) trace.getSpan(spanContext)!.end(notification.time);
  };

  const plugin: McpscopePlugin = {
    name: 'tracing',
    contextCarrier: openTelemetryCarrier,

    async close() {
      if (!flushOnClose) return;
      const provider = effectiveProvider(tracerProvider) as { forceFlush?: () => Promise<void> };
      if (typeof provider.forceFlush === 'function') await provider.forceFlush();
    },

    onConnectionOpen(session) {
      if (session.endpoint.role !== 'server') return;
      if (!defersToSentry(sentry, session.endpoint.instance, () => effectiveProvider(tracerProvider))) return;
      session[DEFERS_TO_SENTRY] = true;
      reportDiagnostic(plugin, {
        code: TRACING_DIAGNOSTIC_CODES.defersToSentry,
        message:
          'Sentry already records a span for each request of this server ' +
          `(${sentry === 'defer' ? "sentry: 'defer'" : 'its MCP instrumentation and tracer provider are active'}); ` +
          "mcpscope records no server spans for it. Pass tracing({ sentry: 'trace' }) to record both.",
      });
    },

    onRequestStart(request) {
      if (request.session[DEFERS_TO_SENTRY] === true) return;
      if (ignore !== undefined && isIgnored(plugin, ignore, request)) return;
      const spanContext = startInboundSpan(
        tracer(),
        names.of(request.method, request.target),
        spanOptions(SpanKind.SERVER, request.startTime, requestAttributes(request)),
        request.meta,
        preferAmbientParent,
      );
      if (spanContext === undefined) return;
      const span = trace.getSpan(spanContext)!;
      request[CONTEXT] = spanContext;
      request[SPAN] = span;
      request.setTrace(span.spanContext());
      if (!span.isRecording()) return;
      recordArguments(span, request, rules);
      if (requestHook !== undefined) callSpanHook(plugin, 'requestHook', requestHook, span, request);
    },

    onRequestEnd(request) {
      const span = request[SPAN] as Span | undefined;
      if (span !== undefined) endSpan(span, request);
    },

    onOutboundRequestStart(request) {
      if (ignore !== undefined && isIgnored(plugin, ignore, request)) return;
      const parentRequest = request.parentRequest;
      const parent =
        (parentRequest === undefined ? undefined : (parentRequest[CONTEXT] as Context | undefined)) ??
        context.active();
      const span = tracer().startSpan(
        names.of(request.method, request.target),
        spanOptions(SpanKind.CLIENT, request.startTime, requestAttributes(request)),
        parent,
      );
      if (!isTraced(span)) return;
      request[SPAN] = span;
      request.setTrace(span.spanContext());
      propagation.inject(trace.setSpan(parent, span), request, metaSetter);
      if (!span.isRecording()) return;
      recordArguments(span, request, rules);
      if (requestHook !== undefined) callSpanHook(plugin, 'requestHook', requestHook, span, request);
    },

    onOutboundRequestEnd(request) {
      const span = request[SPAN] as Span | undefined;
      if (span === undefined) return;
      if (request.outcome === 'cancelled' && span.isRecording()) {
        // Core tells the `notifications/cancelled` this endpoint sends right after this hook: its reason
        // becomes an event first. The microtask ends the span if that notification never comes.
        request[AWAITING_CANCEL_REASON] = true;
        queueMicrotask(() => endCancelledOutbound(request));
        return;
      }
      endSpan(span, request);
    },

    onNotification(notification) {
      const { method, request } = notification;
      if (method === 'notifications/progress' || method === 'notifications/cancelled') {
        const span = request === undefined ? undefined : (request[SPAN] as Span | undefined);
        if (span?.isRecording() === true) addRequestEvent(span, notification);
        if (request !== undefined && method === 'notifications/cancelled') endCancelledOutbound(request);
      }
      if (
        notificationSpans &&
        notification.direction === 'inbound' &&
        notification.session[DEFERS_TO_SENTRY] !== true
      ) {
        recordNotificationSpan(notification);
      }
    },
  };
  return plugin;
}
