import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';
import type { LevelWithSilent, Logger } from 'pino';

/** The MCP logging levels (RFC 5424 severities), as used by `logging/setLevel` and `notifications/message`. */
export type McpLoggingLevel =
  | 'debug'
  | 'info'
  | 'notice'
  | 'warning'
  | 'error'
  | 'critical'
  | 'alert'
  | 'emergency';

export interface LoggingOptions {
  /** Your pino logger. Without it the plugin makes one that writes JSON lines to stderr. */
  readonly logger?: Logger;
  /** Level of the logger the plugin makes (ignored with `logger`). Default: `LOG_LEVEL`, else `info`. */
  readonly level?: LevelWithSilent;
  /** Requests slower than this (ms) are logged at `warn`. Default 1000; `Infinity` turns it off. */
  readonly slowRequestMs?: number;
  /** Also log a `debug` line when a request starts. Default false. */
  readonly logRequestStart?: boolean;
  /** Log session start and end lines. Default true. */
  readonly logSessions?: boolean;
  /** Log tools/call arguments (redacted, size-capped) on the request line. Default false. */
  readonly logArguments?: boolean;
  /** Log tools/call results (redacted, size-capped) on the request line. Default false. */
  readonly logResults?: boolean;
  /**
   * More keys or paths to redact in logged arguments and results, on top of the secret-looking keys.
   * A bare key (`ssn`) is redacted at any depth; a dotted path (`user.card.number`, `items.*.token`)
   * from the root of the arguments or result; `*` matches any one key or index.
   */
  readonly redact?: readonly string[];
  /** Longest string kept in logged arguments, results and error messages; longer ones are cut. Default 1024. */
  readonly maxValueLength?: number;
  /** Requests for which no line is written (e.g. `(request) => request.method === 'ping'`). */
  readonly ignore?: (request: RequestFacts) => boolean;
  /**
   * Also send lines written through `getLogger()` inside a handler to that request's client as MCP
   * `notifications/message`, honouring the client's `logging/setLevel`. `true` sends `info` and above
   * until the client sets a level; a level name sets that default. Default false. The server must
   * declare the `logging` capability. Deprecated by the 2026-07-28 protocol revision.
   */
  readonly clientNotifications?: boolean | McpLoggingLevel;
  /**
   * Make `getLogger()` return a request-scoped logger inside handlers. This runs dispatch inside
   * AsyncLocalStorage: about 3% of a bare call on Node 24, about a quarter on Node 20. Set false if
   * you never call `getLogger()` in handlers. Default true.
   */
  readonly requestLogger?: boolean;
}

/** The plugin returned by `logging()`. */
export interface LoggingPlugin extends McpscopePlugin {
  /** The base logger: yours, or the one the plugin made. */
  readonly logger: Logger;
}
