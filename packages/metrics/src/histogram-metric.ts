/**
 * A Prometheus histogram registered in a prom-client registry, whose series are handed out once and
 * then observed directly: an observation finds its bucket and adds, without the label object, the
 * label validation and the label-string hashing prom-client's `Histogram` does on every `observe`.
 * The registry renders it as any histogram (`get()` has prom-client's shape), in both exposition
 * formats, with exemplars, and `AggregatorRegistry` sums it across cluster workers.
 */
import type { TraceIds } from '@mcpscope/core';
import type { Labels } from './label-policy.js';

export class HistogramSeries {
  readonly labels: Labels;
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  private readonly bounds: readonly number[];
  /**
   * Per bucket (the last is +Inf): the latest exemplar's span ids or labels, value and time, once there
   * is one. Span ids are kept as the tracing plugin set them (no object per observation).
   */
  exemplars:
    | {
        traces: (TraceIds | undefined)[];
        labels: (Labels | undefined)[];
        values: Float64Array;
        times: Float64Array;
      }
    | undefined;

  constructor(labels: Labels, bounds: readonly number[]) {
    this.labels = labels;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** The bucket a value falls in (`bounds.length` for +Inf). */
  bucketOf(value: number): number {
    const { bounds } = this;
    let index = 0;
    while (index < bounds.length && value > bounds[index]!) index++;
    return index;
  }

  observe(value: number): number {
    const bucket = this.bucketOf(value);
    this.counts[bucket]!++;
    this.sum += value;
    this.count++;
    return bucket;
  }

  keepExemplar(bucket: number, trace: TraceIds | undefined, labels: Labels | undefined, value: number): void {
    const size = this.counts.length;
    this.exemplars ??= {
      traces: new Array<TraceIds | undefined>(size),
      labels: new Array<Labels | undefined>(size),
      values: new Float64Array(size),
      times: new Float64Array(size),
    };
    this.exemplars.traces[bucket] = trace;
    this.exemplars.labels[bucket] = labels;
    this.exemplars.values[bucket] = value;
    this.exemplars.times[bucket] = Date.now() / 1000;
  }
}

interface ExportedExemplar {
  readonly labelSet: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp: number;
}

interface ExportedValue {
  labels: Record<string, string | number>;
  readonly sharedLabels?: Labels;
  readonly value: number;
  readonly metricName: string;
  readonly exemplar?: ExportedExemplar | null;
}

function exemplarAt(series: HistogramSeries, index: number): ExportedExemplar | null {
  const { exemplars } = series;
  if (exemplars === undefined) return null;
  const trace = exemplars.traces[index];
  const labels =
    trace === undefined ? exemplars.labels[index] : { trace_id: trace.traceId, span_id: trace.spanId };
  if (labels === undefined) return null;
  return { labelSet: labels, value: exemplars.values[index]!, timestamp: exemplars.times[index]! };
}

export class HistogramMetric {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly labelNames: readonly string[];
  readonly upperBounds: readonly number[];
  private byLabels = new Map<string, HistogramSeries>();

  constructor(definition: {
    name: string;
    help: string;
    labelNames: readonly string[];
    buckets: readonly number[];
  }) {
    this.name = definition.name;
    this.help = definition.help;
    this.labelNames = definition.labelNames;
    this.upperBounds = definition.buckets;
  }

  /** The series of these labels (every plugin instance sharing the metric gets the same one). */
  series(labels: Labels): HistogramSeries {
    const key = this.labelNames.map((name) => labels[name] ?? '').join('\u0000');
    let series = this.byLabels.get(key);
    if (series === undefined) {
      series = new HistogramSeries(labels, this.upperBounds);
      this.byLabels.set(key, series);
    }
    return series;
  }

  /** prom-client's registries call this to render the text formats. */
  async getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    values: ExportedValue[];
    aggregator: string;
  }> {
    const values: ExportedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const series of this.byLabels.values()) {
      let cumulative = 0;
      const { labels } = series;
      for (let index = 0; index <= this.upperBounds.length; index++) {
        cumulative += series.counts[index]!;
        values.push({
          labels: { le: index < this.upperBounds.length ? this.upperBounds[index]! : '+Inf' },
          sharedLabels: labels,
          value: cumulative,
          metricName: bucketName,
          exemplar: exemplarAt(series, index),
        });
      }
      values.push({ labels: {}, sharedLabels: labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({
        labels: {},
        sharedLabels: labels,
        value: series.count,
        metricName: `${this.name}_count`,
      });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** prom-client's JSON form (`getMetricsAsJSON`, cluster aggregation): labels merged. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    values: ExportedValue[];
    aggregator: string;
  }> {
    const data = await this.getForPromString();
    data.values = data.values.map(({ sharedLabels, labels, ...rest }) => ({
      ...rest,
      labels: { ...labels, ...sharedLabels },
    }));
    return data;
  }

  /** `registry.resetMetrics()`: every series starts again from zero. */
  reset(): void {
    for (const series of this.byLabels.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
      series.exemplars = undefined;
    }
  }
}
