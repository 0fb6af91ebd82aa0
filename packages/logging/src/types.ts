import type { McpscopePlugin, PrivacyOptions, RequestFacts } from '@mcpscope/core';
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

/** `customProps(request)`: fields for the request's line and for `getLogger()` inside its handler. */
export type LoggingCustomProps = (request: RequestFacts) => Record<string, unknown> | undefined;

/**
 * `customLogLevel(request)`: the level of the request's line (a level of your logger, or `'silent'` for
 * no line), or `undefined` for the default.
 */
export type LoggingCustomLogLevel<CustomLevels extends string = never> = (
  request: RequestFacts,
) => LevelWithSilent | CustomLevels | undefined;

/** `ignore(request)`: true for requests that get no line. */
export type LoggingIgnore = (request: RequestFacts) => boolean;

/**
 * Options of `logging()`. The privacy options (`recordArguments`, `recordResults`, `maxPayloadLength`,
 * `redact`) are core's `PrivacyOptions`, the same on every signal. `CustomLevels` are the custom levels
 * of your logger, if it has any (`customLogLevel` may return them).
 */
export interface LoggingOptions<CustomLevels extends string = never> extends PrivacyOptions {
  /**
   * Your pino logger. Without it the plugin makes one that writes JSON lines to stderr
   * (`pino.destination({ dest: 2, sync: false, maxWrite: 4096 })`), flushed on close and at exit.
   * @default a stderr logger
   */
  readonly logger?: Logger<CustomLevels>;
  /**
   * Level of the logger the plugin makes (ignored with `logger`).
   * @default process.env.LOG_LEVEL, else 'info'
   */
  readonly level?: LevelWithSilent;
  /**
   * Requests at least this slow (ms) are logged at `warn` with `mcp.request.slow: true`; `Infinity`
   * turns it off.
   * @default 1000
   */
  readonly slowRequestMs?: number;
  /**
   * Also write a `debug` line when a request starts.
   * @default false
   */
  readonly logRequestStart?: boolean;
  /**
   * Write `session started` / `session ended` lines.
   * @default true
   */
  readonly logSessions?: boolean;
  /**
   * Requests that get no line (e.g. `(request) => request.method === 'ping'`). Called when the request
   * ends. A hook that throws is reported once (`MCPSCOPE_LOGGING_HOOK_FAILED`) and the line is written.
   * @default none
   */
  readonly ignore?: LoggingIgnore;
  /**
   * Fields added to the request's line and to the bindings of `getLogger()` inside its handler: a
   * tenant, a user. Called once per request, when it starts. Keys mcpscope writes itself are skipped.
   * A hook that throws is reported once and the request is logged as if it returned `undefined`.
   * @default none
   */
  readonly customProps?: LoggingCustomProps;
  /**
   * The level of a request's line instead of the default (see the README's Levels), or `undefined` to
   * keep the default; `'silent'` writes no line. Called when the request ends. An unknown level is
   * reported once (`MCPSCOPE_LOGGING_HOOK_INVALID`) and ignored; a hook that throws is reported once.
   * @default none
   */
  readonly customLogLevel?: LoggingCustomLogLevel<CustomLevels>;
  /**
   * Also send lines written through `getLogger()` inside a handler to that request's client as MCP
   * `notifications/message`, honouring the client's `logging/setLevel`. `true` sends `info` and above
   * until the client sets a level; a level name sets that default. The server must declare the
   * `logging` capability. Deprecated by the 2026-07-28 protocol revision.
   * @default false
   */
  readonly clientNotifications?: boolean | McpLoggingLevel;
  /**
   * Make `getLogger()` return a request-scoped logger inside handlers (core runs dispatch inside an
   * async context). Set false if you never call `getLogger()` in handlers.
   * @default true
   */
  readonly requestLogger?: boolean;
  /**
   * Flush the logger's destination when an observed endpoint closes, within core's `closeTimeoutMs`.
   * @default true
   */
  readonly flushOnClose?: boolean;
}

/** The plugin returned by `logging()`. */
export interface LoggingPlugin<CustomLevels extends string = never> extends McpscopePlugin {
  readonly name: 'logging';
  /** The base logger: yours, or the one the plugin made. */
  readonly logger: Logger<CustomLevels>;
}
