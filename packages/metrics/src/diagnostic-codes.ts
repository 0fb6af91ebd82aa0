/** The codes this package reports through core's diagnostics channel (each once per plugin instance). */
export const METRICS_DIAGNOSTIC_CODES = {
  /** A per-request hook (`ignore`, `customLabels.<name>.value`, `getExemplarLabels`) threw. */
  hookFailed: 'MCPSCOPE_METRICS_HOOK_FAILED',
  /** `getExemplarLabels` returned labels longer than OpenMetrics allows (128 characters): none kept. */
  exemplarTooLong: 'MCPSCOPE_METRICS_EXEMPLAR_TOO_LONG',
  /** `openTelemetryMetrics()` found no MeterProvider registered: nothing is recorded. */
  noMeterProvider: 'MCPSCOPE_METRICS_NO_METER_PROVIDER',
} as const;
