export { clusterMetrics } from './cluster.js';
export { METRICS_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
export { type ExpositionFormat, negotiateFormat, renderRegistry } from './exposition.js';
export { metrics } from './metrics.js';
export {
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_SIZE_BUCKETS,
  INSTRUMENT_NAMES,
  METRIC_NAMES,
  OTHER,
} from './names.js';
export type { ClusterMetricsOptions, MetricsOptions, MetricsPlugin } from './prometheus-types.js';
export type { CustomLabel, CustomLabels, ExemplarLabels, RecordingOptions } from './types.js';
