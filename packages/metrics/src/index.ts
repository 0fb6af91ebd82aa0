export { clusterMetrics } from './cluster.js';
export { type ExpositionFormat, negotiateFormat, renderRegistry } from './exposition.js';
export { metrics } from './metrics.js';
export { DEFAULT_DURATION_BUCKETS, DEFAULT_SIZE_BUCKETS, METRIC_NAMES, OTHER } from './names.js';
export type { ClusterMetricsOptions, ExemplarLabels, MetricsOptions, MetricsPlugin } from './types.js';
