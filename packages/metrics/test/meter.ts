/**
 * A real OpenTelemetry metrics SDK for the tests: a MeterProvider with a pull reader, and its collected
 * data points flattened into one row per point (histograms: count, sum and bucket counts).
 */
import type { Attributes } from '@opentelemetry/api';
import {
  type DataPoint,
  DataPointType,
  type Histogram,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';

class PullReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface Point {
  readonly name: string;
  readonly unit: string;
  readonly attributes: Attributes;
  /** Counters and up-down counters: the value. Histograms: the count. */
  readonly value: number;
  readonly sum?: number;
  readonly boundaries?: readonly number[];
  readonly buckets?: readonly number[];
}

export interface TestMeter {
  readonly provider: MeterProvider;
  collect(): Promise<Point[]>;
  shutdown(): Promise<void>;
}

export function startMeter(): TestMeter {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'collection failed');
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.flatMap((metric) =>
          (metric.dataPoints as DataPoint<number | Histogram>[]).map((point): Point => {
            const { name, unit } = metric.descriptor;
            if (metric.dataPointType !== DataPointType.HISTOGRAM) {
              return { name, unit, attributes: point.attributes, value: point.value as number };
            }
            const histogram = point.value as Histogram;
            return {
              name,
              unit,
              attributes: point.attributes,
              value: histogram.count,
              sum: histogram.sum ?? 0,
              boundaries: histogram.buckets.boundaries,
              buckets: histogram.buckets.counts,
            };
          }),
        ),
      );
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The sum of the values of the points of `name` whose attributes include every given one. */
export function pointTotal(points: readonly Point[], name: string, attributes: Attributes = {}): number {
  return points
    .filter(
      (point) =>
        point.name === name &&
        Object.entries(attributes).every(([key, value]) => point.attributes[key] === value),
    )
    .reduce((sum, point) => sum + point.value, 0);
}
