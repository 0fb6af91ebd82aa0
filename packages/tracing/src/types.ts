import type { PrivacyOptions, RequestFacts } from '@mcpscope/core';
import type { Span, TracerProvider } from '@opentelemetry/api';

/** What to do when Sentry's own MCP instrumentation also wraps an observed server. */
export type SentryCoexistence =
  /** Skip server spans when Sentry wraps the server and the tracer provider is Sentry's. */
  | 'auto'
  /** Skip server spans whenever Sentry wraps the server (e.g. you export OTLP to Sentry yourself). */
  | 'defer'
  /** Always record server spans. */
  | 'trace';

/**
 * `requestHook` and `responseHook`: called with a recording span and the request's facts
 * (`request.direction` tells a SERVER span of an inbound request from a CLIENT span of an outbound one).
 */
export type TracingSpanHook = (span: Span, request: RequestFacts) => void;

/** `ignore`: return true to record no span for this request (it is still handled as usual). */
export type TracingIgnore = (request: RequestFacts) => boolean;

/**
 * Options of `tracing()`. The privacy options (`recordArguments`, `recordResults`, `maxPayloadLength`,
 * `redact`) are core's, with the same names and meaning as in @mcpscope/logging and @mcpscope/sentry.
 */
export interface TracingOptions extends PrivacyOptions {
  /**
   * The provider to take the tracer (`@mcpscope/tracing`) from.
   * @default the globally registered provider, re-read if it is replaced
   */
  readonly tracerProvider?: TracerProvider;
  /**
   * Parent an inbound request's span on the ambient context (for example the HTTP server span) and link
   * the context found in `params._meta`, instead of the reverse.
   * @default false
   */
  readonly preferAmbientParent?: boolean;
  /**
   * Name `resources/*` spans `{method} {uri}` (high cardinality) instead of `{method}`.
   * @default false
   */
  readonly resourceUriInSpanName?: boolean;
  /**
   * Record inbound notifications as SERVER spans of their own.
   * @default false
   */
  readonly notificationSpans?: boolean;
  /**
   * How a failure that is the caller's business (`request.errorSide === 'client'`: invalid params, an
   * unknown method or tool, URL elicitation required, rate limited, ...) shows on SERVER spans.
   * `'error'` (semantic conventions v1.41.0): `error.type` set, status ERROR. `'unset'` (the draft in
   * open-telemetry/semantic-conventions-genai): `rpc.response.status_code` and `mcp.error.side` only,
   * status left UNSET. CLIENT spans always count every failure as an error.
   * @default 'error'
   */
  readonly callerErrors?: 'error' | 'unset';
  /**
   * Behaviour when Sentry's MCP instrumentation also wraps the server.
   * @default 'auto'
   */
  readonly sentry?: SentryCoexistence;
  /**
   * When the observed endpoint closes (and at graceful shutdown), ask the tracer provider to export the
   * spans it holds (`forceFlush`, never `shutdown`: the provider stays usable).
   * @default true
   */
  readonly flushOnClose?: boolean;
  /**
   * Called right after a request's span started (recording spans only), inbound and outbound: add
   * attributes of your own (`span.setAttribute('tenant.id', ...)`).
   * @default undefined
   */
  readonly requestHook?: TracingSpanHook;
  /**
   * Called before a request's span ends, its outcome known (`request.outcome`, `request.errorSide`, ...),
   * inbound and outbound (recording spans only).
   * @default undefined
   */
  readonly responseHook?: TracingSpanHook;
  /**
   * Return true to record no span for a request, inbound or outbound; the request is still dispatched,
   * in the ambient context.
   * @default undefined
   */
  readonly ignore?: TracingIgnore;
}
