/** `@mcpscope/metrics/opentelemetry`: the same metrics on the OpenTelemetry Meter API (no prom-client). */
export { METRICS_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
export { INSTRUMENT_NAMES, OTHER } from './names.js';
export { METER_NAME, openTelemetryMetrics } from './open-telemetry-metrics.js';
export type { OpenTelemetryMetricsOptions } from './open-telemetry-types.js';
export type { CustomLabel, CustomLabels, RecordingOptions } from './types.js';
