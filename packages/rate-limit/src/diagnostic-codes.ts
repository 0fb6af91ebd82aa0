/** The codes this plugin reports through core's diagnostics channel (`observe(server, { onDiagnostic })`). */
export const RATE_LIMIT_DIAGNOSTIC_CODES = {
  /** The store failed: reported once per outage (until a store call succeeds again), with the error. */
  storeFailed: 'MCPSCOPE_RATE_LIMIT_STORE_FAILED',
  /** A user hook (`key`, `ignore`, `cost`, a rule's `limit`, `message`, `onRefusal`) threw; once per hook. */
  hookFailed: 'MCPSCOPE_RATE_LIMIT_HOOK_FAILED',
  /** A user hook returned a value it may not (a cost of 0, a limit of 2.5, a key that is a number); once per hook. */
  hookInvalid: 'MCPSCOPE_RATE_LIMIT_HOOK_INVALID',
} as const;
