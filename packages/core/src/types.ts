/**
 * The public contract between @mcpscope/core and its plugins.
 *
 * Core watches every JSON-RPC message that crosses an observed endpoint's transport (an MCP server, or
 * an MCP client), computes each request's facts once, and hands the same objects to every plugin.
 * Plugins read facts; they never change what the peer receives, except through `RequestFacts.refuse`
 * (load shedding, drain, rate limits) and `RequestFacts.setMeta` (trace context on outbound requests).
 */
import type {
  Direction,
  EndpointRole,
  ErrorSide,
  Outcome,
  ToolErrorReason,
  TransportKind,
} from './vocabulary.js';

export type {
  Direction,
  EndpointRole,
  ErrorSide,
  Outcome,
  ToolErrorReason,
  TransportKind,
} from './vocabulary.js';

/** A JSON-RPC request id. Ids are scoped to one connection: equal ids on two connections never collide. */
export type JsonRpcId = string | number;

/** The JSON-RPC error object of an error response. */
export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** Who refused a request and why (set when a plugin answered it through `RequestFacts.refuse`). */
export interface Refusal {
  /** The name of the plugin that refused. */
  readonly plugin: string;
  /** A short, low-cardinality reason such as `draining`, `overloaded` or `rate_limited`. */
  readonly reason: string;
  /** Optional low-cardinality detail, e.g. the rate-limit scope (`global`, `client`, `tool`). */
  readonly scope?: string;
}

/** The W3C trace context of the span that records a request, once a tracing plugin started one. */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
  /** W3C trace flags: 1 when sampled. */
  readonly traceFlags: number;
}

/**
 * One connection: one transport connected to one observed endpoint. A session is a connection on which
 * `initialize` was answered; modern (2026-07-28) connections and stateless HTTP requests have no
 * session, and their client facts come from each request's `_meta`.
 */
export interface SessionFacts {
  /** The `Mcp-Session-Id` of a stateful Streamable HTTP session, if any. */
  readonly id: string | undefined;
  readonly transport: TransportKind;
  /** OpenTelemetry `network.transport`: `pipe` for stdio, `tcp` for HTTP, unset in memory. */
  readonly networkTransport: 'pipe' | 'tcp' | undefined;
  /** `http` for Streamable HTTP and SSE, unset otherwise (OpenTelemetry `network.protocol.name`). */
  readonly networkProtocolName: 'http' | undefined;
  /** The MCP client's name and version, from `initialize` or `_meta` (capped at 256 characters). */
  readonly clientName: string | undefined;
  readonly clientVersion: string | undefined;
  /** The MCP server's name and version (from its `initialize` answer on a client; its own on a server). */
  readonly serverName: string | undefined;
  readonly serverVersion: string | undefined;
  /** For an observed client: the server's address and port, when its transport tells (HTTP). */
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
  /** The negotiated protocol version. */
  readonly protocolVersion: string | undefined;
  /** True once `initialize` was answered on this connection. */
  readonly initialized: boolean;
  /** Wall-clock time the connection opened, in epoch milliseconds (fractional). */
  readonly startTime: number;
  /** Set when the connection has closed (or was abandoned: see `closeReason`). */
  readonly endTime: number | undefined;
  readonly durationMs: number | undefined;
  /**
   * Why the connection ended: `closed` (the transport closed) or `abandoned` (an HTTP transport that
   * never became a session finished its exchange; nothing can reach it again).
   */
  readonly closeReason: 'closed' | 'abandoned' | undefined;
  /** The observed endpoint this connection belongs to. */
  readonly endpoint: EndpointFacts;
  /** Plugins may keep their own per-connection state under their own symbols. */
  [slot: symbol]: unknown;
}

/** The verified caller, as the transport's authentication saw it (the SDK's `authInfo`). */
export interface RequestAuth {
  readonly clientId: string | undefined;
  readonly scopes: readonly string[];
}

/**
 * The facts of one request, shared by every plugin. `inbound` requests are handled by the observed
 * endpoint (tools/call on a server; sampling on a client); `outbound` ones are sent by it.
 */
export interface RequestFacts {
  readonly id: JsonRpcId;
  readonly method: string;
  readonly direction: Direction;
  /** Tool or prompt name for tools/call and prompts/get; the resource URI for resources/*. */
  readonly target: string | undefined;
  /**
   * For inbound tools/call and prompts/get: whether the server had registered that name when the request
   * started (metrics fold unregistered names into one value). Undefined where it does not apply.
   */
  readonly targetRegistered: boolean | undefined;
  /** The raw params. Private: may hold tool arguments. Plugins must not record them unless opted in. */
  readonly params: Readonly<Record<string, unknown>> | undefined;
  /** `params._meta`: trace context (`traceparent`, `tracestate`, `baggage`), progress token, envelope. */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
  readonly session: SessionFacts;
  /** The verified caller of an inbound request (its client id and scopes, never the token). */
  readonly auth: RequestAuth | undefined;
  /** For an outbound request: the inbound request being handled when it was sent, if any. */
  readonly parentRequest: RequestFacts | undefined;
  /** Wall-clock start in epoch milliseconds (fractional). */
  readonly startTime: number;
  /** The span recording this request, once a tracing plugin set it (`setTrace`). */
  readonly trace: TraceIds | undefined;

  /** Set when the request ends. */
  readonly outcome: Outcome | undefined;
  /** JSON-RPC error code, for `error` outcomes that had one. */
  readonly errorCode: number | undefined;
  /** JSON-RPC error message, for `error` outcomes. Private: may echo client input. */
  readonly errorMessage: string | undefined;
  /**
   * OpenTelemetry `error.type`: the JSON-RPC code as a string, `tool_error`, or (for an outbound request
   * that could not be sent) the error's class name. Undefined on success, cancellation and close.
   */
  readonly errorType: string | undefined;
  /**
   * Whose business the failure is, in JSON-RPC's terms (the client sends the request, the server
   * answers it): see `ErrorSide`. Undefined when the request did not fail.
   */
  readonly errorSide: ErrorSide | undefined;
  /** Why a tools/call failed, for `tool_error` outcomes (and unknown tools answered with -32602). */
  readonly toolErrorReason: ToolErrorReason | undefined;
  /** The original error thrown by the handler (inbound) or by sending (outbound), when there was one. */
  readonly error: unknown;
  /** The result. Private: may hold tool output. */
  readonly result: unknown;
  readonly refusal: Refusal | undefined;
  readonly endTime: number | undefined;
  readonly durationMs: number | undefined;
  readonly ended: boolean;

  /**
   * Answer an inbound request with a JSON-RPC error instead of dispatching it. Only meaningful inside
   * `aroundRequest`, before calling `dispatch`. The request then ends with outcome `error` and
   * `refusal` set, and every plugin sees it.
   */
  refuse(error: JsonRpcErrorObject, refusal: Omit<Refusal, 'plugin'> & { plugin?: string }): void;
  /**
   * Add an entry to an outbound request's `params._meta` (trace context propagation). Only effective
   * inside `onOutboundRequestStart`. Existing keys are never overwritten.
   */
  setMeta(key: string, value: string): void;
  /** Record the ids of the span that records this request, for every other plugin to join. */
  setTrace(trace: TraceIds): void;
  /**
   * Carry a value in the request's async context (see `ContextCarrier`): a carrier puts it into the
   * context it enters; without one, core keeps it on the request.
   */
  setContextValue(key: symbol, value: unknown): void;

  /** Plugins may keep their own per-request state under their own symbols. */
  [slot: symbol]: unknown;
}

/** A JSON-RPC notification, either way. */
export interface NotificationFacts {
  readonly method: string;
  readonly direction: Direction;
  /** Private: may hold user data (log messages, progress messages). */
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly session: SessionFacts;
  /** The request it relates to: the target of `notifications/cancelled`, the owner of a progress token. */
  readonly request: RequestFacts | undefined;
  readonly time: number;
}

/** An error the transport reported (malformed input, a broken stream), and whose business it is. */
export interface TransportErrorFacts {
  readonly error: Error;
  readonly session: SessionFacts;
  /** `client`: the peer sent something the SDK rejected. `server`: this side failed. */
  readonly side: 'client' | 'server';
}

/** What a plugin learns about each endpoint (server or client) it is attached to. */
export interface EndpointFacts {
  readonly role: EndpointRole;
  /** The endpoint's own name and version (`serverInfo` or `clientInfo`), when readable. */
  readonly name: string | undefined;
  readonly version: string | undefined;
  /** The SDK object passed to `observe` (McpServer, Server or Client, SDK v1 or v2). */
  readonly instance: object;
  /** True while at least one transport is connected. */
  readonly connected: boolean;
  /** Requests in flight on this endpoint right now, inbound and outbound. */
  readonly inFlight: number;
  /** Tool and prompt names this server has registered (or listed), for bounded metric labels. */
  isRegisteredTool(name: string): boolean;
  isRegisteredPrompt(name: string): boolean;
  /** True once the endpoint's `close()` was called. */
  readonly closed: boolean;
  /** Closes the endpoint (its transports, side listener and plugins). */
  close(): Promise<void>;
  /** Flushes every plugin attached to this endpoint, within the time limit, whatever `closePlugins` says. */
  flush(): Promise<void>;
}

/** An HTTP route contributed by a plugin (`/metrics`, `/livez`, `/readyz`). */
export interface RouteRequest {
  readonly method: string;
  readonly url: URL;
  header(name: string): string | undefined;
}

export interface RouteResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export type RouteHandler = (request: RouteRequest) => RouteResponse | Promise<RouteResponse>;

/**
 * A plugin that owns an async context mechanism (OpenTelemetry's, Sentry's scopes) can carry core's
 * request context inside its own, so each request enters one async context instead of several.
 */
export interface ContextCarrier {
  /** Higher runs first; the first carrier whose `run` returns true carries the request. */
  readonly priority: number;
  /**
   * Runs `callback` synchronously inside one context that carries `request` (for `currentRequest()`)
   * and the values plugins set with `setContextValue`, and returns true; or returns false without
   * calling it when it cannot carry the context right now.
   */
  run(request: RequestFacts, values: ReadonlyMap<symbol, unknown> | undefined, callback: () => void): boolean;
  /** The request stored by `run` in the active context, if any. */
  currentRequest(): RequestFacts | undefined;
}

/**
 * A plugin: a name and any subset of hooks. Hooks are called synchronously, in `use` order; a hook
 * that throws is reported once through the diagnostics channel and never affects the request or the
 * other plugins.
 */
export interface McpscopePlugin {
  readonly name: string;
  /**
   * Set when the plugin needs the current request inside handlers (`currentRequest()`): core then
   * runs dispatch inside an async context. Leave unset when not needed.
   */
  readonly requestContext?: boolean;
  /** Offered to core to carry each request's async context (see `ContextCarrier`). */
  readonly contextCarrier?: ContextCarrier;
  /** HTTP routes keyed by path, served by core's route handlers and side listener. */
  readonly routes?: Readonly<Record<string, RouteHandler>>;

  /** Called once for each endpoint the plugin is attached to. */
  setup?(endpoint: EndpointFacts): void;
  /** The endpoint's `close()` was called (before plugins are flushed): forget per-endpoint state. */
  onEndpointClose?(endpoint: EndpointFacts): void;
  onConnectionOpen?(session: SessionFacts): void;
  /** The connection closed or was abandoned (`session.closeReason`); called once per connection. */
  onConnectionClose?(session: SessionFacts): void;
  onSessionStart?(session: SessionFacts): void;
  onSessionEnd?(session: SessionFacts): void;
  /** An inbound request arrived (before dispatch). */
  onRequestStart?(request: RequestFacts): void;
  /**
   * Runs around the dispatch of an inbound request, inside its async context: call `dispatch()`
   * exactly once to let the request reach its handler, or call `request.refuse(...)` instead. If the
   * hook throws before dispatching, core dispatches anyway.
   */
  aroundRequest?(request: RequestFacts, dispatch: () => void): void;
  /** An inbound request ended, exactly once, with one outcome. */
  onRequestEnd?(request: RequestFacts): void;
  /** The endpoint is sending a request (a client's tools/call; a server's sampling or elicitation). */
  onOutboundRequestStart?(request: RequestFacts): void;
  /** An outbound request ended, exactly once, with one outcome. */
  onOutboundRequestEnd?(request: RequestFacts): void;
  onNotification?(notification: NotificationFacts): void;
  onTransportError?(transportError: TransportErrorFacts): void;
  /**
   * Flush pending telemetry. Called when an observed endpoint closes (and by `flushPlugins`); may run
   * many times (servers built per session or per request each close) and must leave the plugin usable.
   */
  close?(): void | Promise<void>;
}

/**
 * A warning or failure, reported once per plugin instance and code. Codes are stable
 * (`MCPSCOPE_PLUGIN_FAILED`, `MCPSCOPE_SENTRY_NO_CLIENT`, ...): match on them, not on messages.
 */
export interface Diagnostic {
  readonly code: string;
  /** The plugin that reports (`core` for core itself). */
  readonly plugin: string;
  readonly message: string;
  /** For plugin failures: the hook (or route) that threw. */
  readonly hook?: string;
  readonly error?: unknown;
}

export type DiagnosticReceiver = (diagnostic: Diagnostic) => void;

export interface ObserveOptions {
  /** Serve the plugins' routes on a side HTTP listener (for stdio servers). Host defaults to 127.0.0.1. */
  readonly listen?: { readonly port: number; readonly host?: string };
  /**
   * Time limit for each plugin's `close` when the endpoint closes, in milliseconds.
   * @default 5000
   */
  readonly closeTimeoutMs?: number;
  /**
   * Whether `close()` also closes (flushes) the plugins. Set false for servers built per request.
   * @default true
   */
  readonly closePlugins?: boolean;
  /**
   * Run dispatch inside an async context even if no plugin asks, so `currentRequest()` always works.
   * @default false
   */
  readonly requestContext?: boolean;
  /**
   * Receives every diagnostic of core and of the plugins attached to this endpoint, once per plugin
   * and code. Default: one line on stderr.
   */
  readonly onDiagnostic?: DiagnosticReceiver;
}

/** The endpoint returned by `observe`: the same instance, with `use` added. */
export type ObservedEndpoint<Endpoint extends object> = Endpoint & {
  use(...plugins: McpscopePlugin[]): ObservedEndpoint<Endpoint>;
};
