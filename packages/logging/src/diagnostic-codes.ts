/** The codes @mcpscope/logging reports through core's diagnostics channel (see the README). */
export const LOGGING_DIAGNOSTIC_CODES = {
  /** The logger's destination failed (EPIPE, a closed descriptor, a full disk, a dead transport worker). */
  destinationFailed: 'MCPSCOPE_LOGGING_DESTINATION_FAILED',
  /** A user hook (`ignore`, `customProps`, `customLogLevel`) threw; the line was written without it. */
  hookFailed: 'MCPSCOPE_LOGGING_HOOK_FAILED',
  /** A user hook returned a value it may not (an unknown level, props that are not an object). */
  hookInvalid: 'MCPSCOPE_LOGGING_HOOK_INVALID',
} as const;
