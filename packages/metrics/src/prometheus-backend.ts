/**
 * The prom-client backend: mcpscope's families in a registry (created there, or reused), and their
 * series as the recorder asks for them.
 */
import type { RequestFacts } from '@mcpscope/core';
import type { Counter, Gauge } from 'prom-client';
import type {
  Backend,
  CountedSeries,
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  ObservedSeries,
} from './backend.js';
import { FAMILY_DIMENSIONS, PER_REQUEST_FAMILIES } from './dimensions.js';
import type { HistogramMetric, HistogramSeries } from './histogram-metric.js';
import { collectInFlight, inFlightCounter } from './in-flight.js';
import { type AnyRegistry, counter, gauge, histogram } from './instruments.js';
import type { FamilyLabels, LabelPolicy, Labels } from './label-policy.js';
import { DEFAULT_SIZE_BUCKETS, FAMILIES, type FamilyName } from './names.js';

/** The exemplar of a request, if any: the span ids the tracing plugin set, or the user's labels. */
export interface ExemplarPolicy {
  keep(series: HistogramSeries, bucket: number, value: number, request: RequestFacts): void;
}

export interface PrometheusSettings {
  readonly registry: AnyRegistry;
  readonly prefix: string;
  readonly policy: LabelPolicy;
  readonly customNames: readonly string[];
  readonly buckets: readonly number[];
  readonly sessionBuckets: readonly number[];
  readonly payloadSizes: boolean;
  readonly exemplars: ExemplarPolicy | undefined;
}

class ObservedHistogramSeries implements ObservedSeries {
  constructor(
    private readonly series: HistogramSeries,
    private readonly exemplars: ExemplarPolicy | undefined,
  ) {}

  observe(value: number, request: RequestFacts | undefined): void {
    const bucket = this.series.observe(value);
    if (this.exemplars !== undefined && request !== undefined)
      this.exemplars.keep(this.series, bucket, value, request);
  }
}

const WITH_EXEMPLARS: ReadonlySet<HistogramFamily> = new Set([
  'operationDuration',
  'clientOperationDuration',
]);

export function prometheusBackend(settings: PrometheusSettings): Backend {
  const { registry, prefix, policy, customNames, buckets, sessionBuckets, payloadSizes, exemplars } =
    settings;
  const labelsOf = new Map<FamilyName, FamilyLabels>();
  const define = (family: FamilyName) => {
    const labels = policy.family(
      FAMILY_DIMENSIONS[family],
      PER_REQUEST_FAMILIES.has(family) ? customNames : [],
      family === 'transportErrors',
    );
    labelsOf.set(family, labels);
    const { prometheus, description } = FAMILIES[family];
    return { name: `${prefix}${prometheus}`, help: description, labelNames: labels.names };
  };
  const histograms = new Map<HistogramFamily, HistogramMetric>([
    ['operationDuration', histogram(registry, { ...define('operationDuration'), buckets })],
    ['clientOperationDuration', histogram(registry, { ...define('clientOperationDuration'), buckets })],
    ['sessionDuration', histogram(registry, { ...define('sessionDuration'), buckets: sessionBuckets })],
  ]);
  if (payloadSizes) {
    for (const family of ['requestSize', 'responseSize'] as const) {
      histograms.set(family, histogram(registry, { ...define(family), buckets: DEFAULT_SIZE_BUCKETS }));
    }
  }
  const counters = new Map<CounterFamily, Counter<string>>(
    (['notifications', 'refusedRequests', 'transportErrors'] as const).map((family) => [
      family,
      counter(registry, define(family)),
    ]),
  );
  const activeRequests = gauge(registry, {
    ...define('activeRequests'),
    collect: collectInFlight,
    kind: 'in-flight',
  });
  const activeSessions = gauge(registry, define('activeSessions'));
  const labels = (family: FamilyName, values: Parameters<Backend['counter']>[1]): Labels =>
    labelsOf.get(family)!.labels(values);

  return {
    histogram(family, values) {
      const metric = histograms.get(family);
      if (metric === undefined) return { observe() {} };
      return new ObservedHistogramSeries(
        metric.series(labels(family, values)),
        WITH_EXEMPLARS.has(family) ? exemplars : undefined,
      );
    },
    counter(family, values) {
      const child = counters.get(family)!.labels(labels(family, values));
      return { add: (delta) => child.inc(delta) };
    },
    gauge(family: GaugeFamily, values): CountedSeries {
      if (family === 'activeRequests') return inFlightCounter(activeRequests, labels(family, values));
      const series = labels(family, values);
      return { add: (delta) => (activeSessions as Gauge<string>).inc(series, delta) };
    },
  };
}
