/** The codes @mcpscope/tracing reports through core's diagnostics channel (see the README). */
export const TRACING_DIAGNOSTIC_CODES = {
  /** A user hook (`requestHook`, `responseHook`, `ignore`) threw; the span and the answer went on. */
  hookFailed: 'MCPSCOPE_TRACING_HOOK_FAILED',
  /** Sentry's MCP instrumentation already records a span per request of a server: none recorded here. */
  defersToSentry: 'MCPSCOPE_TRACING_DEFERS_TO_SENTRY',
} as const;
