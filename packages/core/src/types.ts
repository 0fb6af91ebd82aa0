/**
 * The public contract between @mcpscope/core and its plugins.
 *
 * Core watches every JSON-RPC message that crosses a server's transport, computes each request's facts
 * once, and hands the same objects to every plugin. Plugins read facts; they never change what the
 * client receives, except through `RequestFacts.refuse` (load shedding, drain, rate limits).
 */

/** A JSON-RPC request id. Ids are scoped to one connection: equal ids on two connections never collide. */
export type JsonRpcId = string | number;

/** How a request ended. Every started request ends exactly once, with exactly one of these. */
export type Outcome =
  /** A result was sent (for tools/call: without `isError`). */
  | 'ok'
  /** tools/call answered with a result carrying `isError: true`. */
  | 'tool_error'
  /** A JSON-RPC error response was sent; `errorCode` holds its code. */
  | 'error'
  /** The client sent `notifications/cancelled`, or went away before the response could be delivered. */
  | 'cancelled'
  /** The transport closed while the request was in flight. */
  | 'closed';

/**
 * Why a tools/call ended as `tool_error` (or, on SDKs that answer unknown tools with a JSON-RPC error,
 * why it failed): a model's mistake (`invalid_arguments`, `unknown_tool`) or a server's bug
 * (`handler_threw`, `invalid_output`), or a failure the handler reported itself (`handler_returned_error`).
 */
export type ToolErrorReason =
  | 'handler_threw'
  | 'handler_returned_error'
  | 'invalid_arguments'
  | 'unknown_tool'
  | 'invalid_output';

/** The transport a connection runs on, as far as core can tell. */
export type TransportKind = 'stdio' | 'streamable-http' | 'sse' | 'in-memory' | 'unknown';

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

/**
 * One connection between the server and a client: one transport connected to one server instance.
 * A session is a connection on which `initialize` was answered; modern (2026-07-28) connections and
 * stateless HTTP requests have no session, and their client facts come from each request's `_meta`.
 */
export interface SessionFacts {
  /** The `Mcp-Session-Id` of a stateful Streamable HTTP session, if any. */
  readonly id: string | undefined;
  readonly transport: TransportKind;
  /** OpenTelemetry `network.transport`: `pipe` for stdio, `tcp` for HTTP, unset in memory. */
  readonly networkTransport: 'pipe' | 'tcp' | undefined;
  /** Client name and version, from `initialize` (capped at 256 characters). */
  readonly clientName: string | undefined;
  readonly clientVersion: string | undefined;
  /** The negotiated protocol version. */
  readonly protocolVersion: string | undefined;
  /** True once `initialize` was answered on this connection. */
  readonly initialized: boolean;
  /** Wall-clock time the connection opened, in epoch milliseconds (fractional). */
  readonly startTime: number;
  /** Set when the connection has closed. */
  readonly endTime: number | undefined;
  readonly durationMs: number | undefined;
  /** The server this connection belongs to. */
  readonly server: ServerFacts;
  /** Plugins may keep their own per-connection state under their own symbols. */
  [slot: symbol]: unknown;
}

/** The facts of one inbound request, shared by every plugin. */
export interface RequestFacts {
  readonly id: JsonRpcId;
  readonly method: string;
  /** Tool or prompt name for tools/call and prompts/get; the resource URI for resources/*. */
  readonly target: string | undefined;
  /**
   * For tools/call and prompts/get: whether the server had registered that name when the request
   * started (metrics fold unregistered names into one value). Undefined where it does not apply.
   */
  readonly targetRegistered: boolean | undefined;
  /** The raw params. Private: may hold tool arguments. Plugins must not record them unless opted in. */
  readonly params: Readonly<Record<string, unknown>> | undefined;
  /** `params._meta`: trace context (`traceparent`, `tracestate`, `baggage`), progress token, envelope. */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
  readonly session: SessionFacts;
  /**
   * The authenticated caller, when the transport verified a bearer token (the SDK's `authInfo`):
   * its client id and scopes. The token itself is never exposed.
   */
  readonly auth: RequestAuth | undefined;
  /** Wall-clock start in epoch milliseconds (fractional). */
  readonly startTime: number;

  /** Set when the request ends. */
  readonly outcome: Outcome | undefined;
  /** JSON-RPC error code, for `error` outcomes. */
  readonly errorCode: number | undefined;
  /** JSON-RPC error message, for `error` outcomes. Private: may echo client input. */
  readonly errorMessage: string | undefined;
  /**
   * OpenTelemetry `error.type`: the JSON-RPC code as a string, or `tool_error`. Undefined on success,
   * cancellation and close (see `outcome`).
   */
  readonly errorType: string | undefined;
  readonly toolErrorReason: ToolErrorReason | undefined;
  /** The original error thrown by the handler, when there was one. */
  readonly error: unknown;
  /** The result sent to the client. Private: may hold tool output. */
  readonly result: unknown;
  readonly refusal: Refusal | undefined;
  readonly endTime: number | undefined;
  readonly durationMs: number | undefined;
  readonly ended: boolean;

  /**
   * Answer the request with a JSON-RPC error instead of dispatching it. Only meaningful inside
   * `aroundRequest`, before calling `dispatch`. The request then ends with outcome `error` and
   * `refusal` set, and every plugin sees it.
   */
  refuse(error: JsonRpcErrorObject, refusal: Omit<Refusal, 'plugin'> & { plugin?: string }): void;

  /** Plugins may keep their own per-request state under their own symbols. */
  [slot: symbol]: unknown;
}

/** Who made a request, as verified by the transport's authentication. */
export interface RequestAuth {
  readonly clientId: string | undefined;
  readonly scopes: readonly string[];
}

export type NotificationDirection = 'inbound' | 'outbound';

/** A JSON-RPC notification, either way. */
export interface NotificationFacts {
  readonly method: string;
  readonly direction: NotificationDirection;
  /** Private: may hold user data (log messages, progress messages). */
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly session: SessionFacts;
  /** The request it relates to: the target of `notifications/cancelled`, the owner of a progress token. */
  readonly request: RequestFacts | undefined;
  readonly time: number;
}

/** A request the server sends to the client (sampling, elicitation, roots, ping). */
export interface ServerRequestFacts {
  readonly id: JsonRpcId;
  readonly method: string;
  readonly session: SessionFacts;
  /** The inbound request being handled when the server sent this one, if known. */
  readonly parentRequest: RequestFacts | undefined;
  readonly startTime: number;
  /** `cancelled`: the server cancelled it (its own timeout). */
  readonly outcome: 'ok' | 'error' | 'cancelled' | 'closed' | undefined;
  readonly errorCode: number | undefined;
  readonly endTime: number | undefined;
  readonly durationMs: number | undefined;
  /**
   * Add an entry to the outgoing request's `params._meta` (trace context propagation). Only effective
   * inside `onServerRequestStart`. Existing keys are never overwritten.
   */
  setMeta(key: string, value: string): void;
  [slot: symbol]: unknown;
}

/** What a plugin learns about each server it is attached to. */
export interface ServerFacts {
  /** The server's own name and version, from its `serverInfo`, when readable. */
  readonly name: string | undefined;
  readonly version: string | undefined;
  /** The SDK object passed to `observe` (McpServer or Server, SDK v1 or v2). */
  readonly instance: object;
  /** True while at least one transport is connected. */
  readonly connected: boolean;
  /** Requests in flight on this server right now. */
  readonly inFlight: number;
  /** Tool and prompt names this server has registered (or listed), for bounded metric labels. */
  isRegisteredTool(name: string): boolean;
  isRegisteredPrompt(name: string): boolean;
  /** True once the server's `close()` was called. */
  readonly closed: boolean;
  /** Closes the server (its transports, side listener and plugins). */
  close(): Promise<void>;
  /** Flushes every plugin attached to this server, within the time limit, whatever `closePlugins` says. */
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
 * A plugin: a name and any subset of hooks. Hooks are called synchronously, in `use` order; a hook
 * that throws is reported once and never affects the request or the other plugins.
 */
export interface McpscopePlugin {
  readonly name: string;
  /**
   * Set when the plugin needs the current request inside handlers (`currentRequest()`): core then
   * runs dispatch inside AsyncLocalStorage. Costs an async-context switch per request; leave unset
   * when not needed.
   */
  readonly requestContext?: boolean;
  /** HTTP routes keyed by path, served by core's route handlers and side listener. */
  readonly routes?: Readonly<Record<string, RouteHandler>>;

  /** Called once for each server the plugin is attached to. */
  setup?(server: ServerFacts): void;
  /** The server's `close()` was called (before plugins are flushed): forget per-server state. */
  onServerClose?(server: ServerFacts): void;
  onConnectionOpen?(session: SessionFacts): void;
  onConnectionClose?(session: SessionFacts): void;
  onSessionStart?(session: SessionFacts): void;
  onSessionEnd?(session: SessionFacts): void;
  onRequestStart?(request: RequestFacts): void;
  /**
   * Runs around dispatch: call `dispatch()` exactly once to let the request reach its handler (inside
   * whatever context the plugin sets up), or call `request.refuse(...)` instead. If the hook throws
   * before dispatching, core dispatches anyway.
   */
  aroundRequest?(request: RequestFacts, dispatch: () => void): void;
  onRequestEnd?(request: RequestFacts): void;
  onNotification?(notification: NotificationFacts): void;
  onServerRequestStart?(request: ServerRequestFacts): void;
  onServerRequestEnd?(request: ServerRequestFacts): void;
  onTransportError?(error: Error, session: SessionFacts): void;
  /**
   * Flush pending telemetry. Called when an observed server closes (and by `flushPlugins`); may run many
   * times (servers built per session or per request each close) and must leave the plugin usable.
   */
  close?(): void | Promise<void>;
}

/** Where a plugin failure is reported (once per plugin and hook). */
export interface PluginFailure {
  readonly plugin: string;
  readonly hook: string;
  readonly error: unknown;
}

export interface ObserveOptions {
  /** Serve the plugins' routes on a side HTTP listener (for stdio servers). Host defaults to 127.0.0.1. */
  readonly listen?: { readonly port: number; readonly host?: string };
  /** Time limit for each plugin's `close` when the server closes. Default 5000 ms. */
  readonly closeTimeoutMs?: number;
  /** Whether `server.close()` also closes (flushes) the plugins. Default true. */
  readonly closePlugins?: boolean;
  /** Run dispatch inside AsyncLocalStorage even if no plugin asks, so `currentRequest()` always works. */
  readonly requestContext?: boolean;
  /** Receives plugin failures (once per plugin and hook). Default: one line on stderr. */
  readonly onPluginError?: (failure: PluginFailure) => void;
}

/** The server returned by `observe`: the same instance, with `use` added. */
export type ObservedServer<Server extends object> = Server & {
  use(...plugins: McpscopePlugin[]): ObservedServer<Server>;
};
