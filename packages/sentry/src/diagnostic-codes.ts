/** The codes the Sentry plugin reports through core's diagnostics channel (`onDiagnostic`). */
export const SENTRY_DIAGNOSTIC_CODES = {
  /** `Sentry.init` was not called (no client): the plugin reports nothing. */
  noClient: 'MCPSCOPE_SENTRY_NO_CLIENT',
  /** Events are not reaching Sentry: an event got no answer or an error status, or a flush ran out of time. */
  deliveryFailed: 'MCPSCOPE_SENTRY_DELIVERY_FAILED',
  /** A user hook (`beforeCapture`) threw; the event was sent as if it had returned. */
  hookFailed: 'MCPSCOPE_SENTRY_HOOK_FAILED',
} as const;
