import { type McpscopePlugin, type RouteHandler, reportDiagnostic } from '@mcpscope/core';
import { collectDefaultMetrics, register } from 'prom-client';
import { isClusterWorker, shareWithPrimary } from './cluster.js';
import { CustomLabelSet } from './custom-labels.js';
import { METRICS_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { OWN_LABELS } from './dimensions.js';
import { exemplarPolicy } from './exemplars.js';
import { type ExpositionFormat, metricsRoute, renderRegistry } from './exposition.js';
import type { AnyRegistry } from './instruments.js';
import { LabelPolicy } from './label-policy.js';
import { DEFAULT_DURATION_BUCKETS } from './names.js';
import { checkBuckets, checkDropLabels } from './option-checks.js';
import { hookFailureReporter } from './plugin-diagnostics.js';
import { prometheusBackend } from './prometheus-backend.js';
import type { MetricsOptions, MetricsPlugin } from './prometheus-types.js';
import { recordingHooks } from './recorder.js';

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
    customLabels = {},
    ignore,
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
  let plugin: McpscopePlugin | undefined;
  const failed = hookFailureReporter(() => plugin!);
  const custom = new CustomLabelSet(customLabels, OWN_LABELS, failed);
  const policy = new LabelPolicy(
    staticLabels,
    checkDropLabels(dropLabels),
    new Set([...OWN_LABELS, ...custom.names]),
  );
  const backend = prometheusBackend({
    registry: registry as AnyRegistry,
    prefix,
    policy,
    customNames: custom.names,
    buckets,
    sessionBuckets,
    payloadSizes,
    exemplars: exemplars
      ? exemplarPolicy(getExemplarLabels, failed, () =>
          reportDiagnostic(plugin!, {
            code: METRICS_DIAGNOSTIC_CODES.exemplarTooLong,
            message:
              'getExemplarLabels returned labels longer than the 128 characters OpenMetrics allows; those requests get no exemplar',
          }),
        )
      : undefined,
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
    shareWithPrimary(registry as AnyRegistry);
  } else {
    const render = async (format: ExpositionFormat) => ({
      body: await renderRegistry(registry as AnyRegistry, format),
      format,
    });
    routes[path] = metricsRoute({ render, bearerToken });
  }

  const created: MetricsPlugin = {
    name: 'metrics',
    registry: registry as MetricsPlugin['registry'],
    routes,
    ...recordingHooks({
      backend,
      custom: custom.names.length === 0 ? undefined : custom,
      ignore,
      failed,
      payloadSizes,
    }),
  };
  plugin = created;
  return created;
}
