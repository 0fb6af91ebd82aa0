/** How `tools/call` results that carry `isError: true` (the tool reported a failure itself) reach Sentry. */
export type ToolErrorCapture =
  /** Not reported. */
  | 'off'
  /** A message event at level `warning`, one issue per tool. */
  | 'message'
  /** An exception event (`McpToolError`), one issue per tool. */
  | 'exception';

export interface SentryPluginOptions {
  /** What to do with tool results that carry `isError: true`. Default `'off'`. */
  readonly toolErrors?: ToolErrorCapture;
  /**
   * Also report client mistakes: JSON-RPC errors -32700, -32600, -32601, -32602, -32002, and tool
   * calls with invalid arguments or unknown tools. Default false.
   */
  readonly captureClientErrors?: boolean;
  /** Report transport errors (malformed input on stdio, broken streams). Default true. */
  readonly captureTransportErrors?: boolean;
  /**
   * Put the tool or prompt arguments into the event's `mcp_request` context, as JSON with values under
   * secret-looking keys replaced by `[Filtered]`, cut to `maxArgumentsLength`. Default false.
   */
  readonly recordArguments?: boolean;
  /** Maximum length of the recorded arguments' JSON, in characters. Default 1024. */
  readonly maxArgumentsLength?: number;
  /** How many of a session's recent MCP requests each event carries as breadcrumbs. 0 turns them off. Default 20. */
  readonly maxBreadcrumbs?: number;
  /**
   * Group MCP errors by method, tool (or prompt), `error.type` and exception type, instead of by stack
   * trace alone. Events that already carry a fingerprint keep it. Default true.
   */
  readonly fingerprint?: boolean;
  /** Time limit for `Sentry.flush` when the server closes, in milliseconds. Default 2000. */
  readonly flushTimeoutMs?: number;
}
