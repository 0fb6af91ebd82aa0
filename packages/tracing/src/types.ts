import type { TracerProvider } from '@opentelemetry/api';

/** A tool's arguments or result, on its way to `gen_ai.tool.call.arguments` / `gen_ai.tool.call.result`. */
export interface ToolPayload {
  readonly kind: 'arguments' | 'result';
  /** The tool's name, as the request gave it. */
  readonly toolName: string | undefined;
  /** `server` for spans of an observed server, `client` for spans of an instrumented client. */
  readonly side: 'server' | 'client';
  /** The arguments object, or the whole `CallToolResult`. */
  readonly value: unknown;
}

/**
 * Receives a tool payload before it is serialized and returns what to record instead: a value (serialized
 * as JSON), a string (recorded as is), or `undefined` to record nothing.
 */
export type RedactToolPayload = (payload: ToolPayload) => unknown;

/** Options shared by the server plugin (`tracing`) and the client instrumentation (`instrumentClient`). */
export interface TracingSharedOptions {
  /** The provider to take the tracer from. Default: the globally registered one. */
  readonly tracerProvider?: TracerProvider;
  /**
   * Parent an inbound request's span on the ambient context (for example the HTTP server span) and link
   * the context found in `params._meta`, instead of the reverse. Default `false`.
   */
  readonly preferAmbientParent?: boolean;
  /** Name `resources/*` spans `{method} {uri}` (high cardinality). Default `false`: `{method}` only. */
  readonly resourceUriInSpanName?: boolean;
  /** Record `gen_ai.tool.call.arguments` on tools/call spans. Private: default `false`. */
  readonly recordToolArguments?: boolean;
  /** Record `gen_ai.tool.call.result` on successful tools/call spans. Private: default `false`. */
  readonly recordToolResults?: boolean;
  /** Longest recorded arguments or result, in characters; longer ones are cut. Default 4096. */
  readonly maxToolPayloadLength?: number;
  /** Runs before a recorded payload is serialized. Secret-looking keys are masked afterwards anyway. */
  readonly redactToolPayload?: RedactToolPayload;
}

/** What to do when Sentry's own MCP instrumentation also wraps an observed server. */
export type SentryCoexistence =
  /** Skip server spans when Sentry wraps the server and the tracer provider is Sentry's (default). */
  | 'auto'
  /** Skip server spans whenever Sentry wraps the server (e.g. you export OTLP to Sentry yourself). */
  | 'defer'
  /** Always record server spans. */
  | 'trace';

export interface TracingOptions extends TracingSharedOptions {
  /** Record inbound notifications as SERVER spans of their own. Default `false`. */
  readonly notificationSpans?: boolean;
  /**
   * How to treat JSON-RPC errors the caller caused (-32700, -32600, -32601, -32602, -32002) on server
   * spans. `'error'` (semantic conventions v1.41.0, default): `error.type` set, status ERROR. `'unset'`
   * (newer draft conventions): only `rpc.response.status_code`, status left UNSET.
   */
  readonly callerErrors?: 'error' | 'unset';
  /** Behaviour when Sentry's MCP instrumentation also wraps the server. Default `'auto'`. */
  readonly sentry?: SentryCoexistence;
  /**
   * When the observed server closes (and at graceful shutdown), ask the tracer provider to export the
   * spans it holds (`forceFlush`, never `shutdown`: the provider stays usable). Default `true`.
   */
  readonly flushOnClose?: boolean;
}

export interface ClientTracingOptions extends TracingSharedOptions {
  /** Like `TracingOptions.callerErrors`, for requests the server sends to this client. */
  readonly callerErrors?: 'error' | 'unset';
}
