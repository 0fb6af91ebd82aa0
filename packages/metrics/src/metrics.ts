import type { RouteHandler } from '@mcpscope/core';
import { collectDefaultMetrics, register } from 'prom-client';
import { isClusterWorker, shareWithPrimary } from './cluster.js';
import { activeSpanExemplars } from './exemplars.js';
import { type ExpositionFormat, metricsRoute, renderRegistry } from './exposition.js';
import { createFamilies } from './families.js';
import { recordingHooks } from './hooks.js';
import type { AnyRegistry } from './instruments.js';
import { LabelPolicy } from './label-policy.js';
import { DEFAULT_DURATION_BUCKETS, LABEL_NAMES } from './names.js';
import { checkBuckets, checkDropLabels } from './option-checks.js';
import type { MetricsOptions, MetricsPlugin } from './types.js';

/**
 * Prometheus metrics for every MCP request, on prom-client: `server.use(metrics())`. One instance may
 * serve many servers; instances sharing a registry share their series.
 */
export function metrics(options: MetricsOptions = {}): MetricsPlugin {
  const {
    registry = register as AnyRegistry,
    prefix = '',
    buckets = DEFAULT_DURATION_BUCKETS,
    sessionBuckets = DEFAULT_DURATION_BUCKETS,
    staticLabels = {},
    dropLabels = [],
    defaultMetrics = false,
    exemplars = true,
    getExemplarLabels,
    payloadSizes = false,
    path = '/metrics',
    bearerToken,
    cluster = false,
  } = options;

  checkBuckets('buckets', buckets);
  checkBuckets('sessionBuckets', sessionBuckets);
  const reserved = new Set<string>(Object.values(LABEL_NAMES));
  const policy = new LabelPolicy(staticLabels, checkDropLabels(dropLabels), reserved);
  const exemplarSource = exemplars ? (getExemplarLabels ?? activeSpanExemplars()) : undefined;
  const families = createFamilies(registry, {
    prefix,
    policy,
    buckets,
    sessionBuckets,
    exemplars: exemplarSource !== undefined,
    payloadSizes,
  });

  if (defaultMetrics !== false) {
    const {
      prefix: defaultPrefix = prefix,
      labels = {},
      ...config
    } = defaultMetrics === true ? {} : defaultMetrics;
    // collectDefaultMetrics registers fixed names: a second call on the same registry would throw.
    if (registry.getSingleMetric(`${defaultPrefix}process_cpu_user_seconds_total`) === undefined) {
      const defaultLabels = { ...labels, ...policy.staticLabels };
      collectDefaultMetrics({
        ...config,
        prefix: defaultPrefix,
        labels: defaultLabels,
        register: registry as typeof register,
      });
    }
  }

  const routes: Record<string, RouteHandler> = {};
  if (cluster && isClusterWorker()) {
    shareWithPrimary(registry);
  } else {
    const render = async (format: ExpositionFormat) => ({
      body: await renderRegistry(registry, format),
      format,
    });
    routes[path] = metricsRoute({ render, bearerToken });
  }

  return {
    name: 'metrics',
    registry: registry as MetricsPlugin['registry'],
    routes,
    ...recordingHooks({ families, policy, exemplarSource }),
  };
}
