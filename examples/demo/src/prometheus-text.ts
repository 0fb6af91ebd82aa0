/** Just enough of the Prometheus text format to read histograms back, and histogram_quantile's maths. */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) {
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Cumulative bucket counts (upper bound -> count) summed over the samples that match. */
export function bucketsOf(
  samples: readonly Sample[],
  metric: string,
  match: (labels: Sample['labels']) => boolean,
) {
  const buckets = new Map<number, number>();
  for (const sample of samples) {
    if (sample.name !== `${metric}_bucket` || !match(sample.labels)) continue;
    const bound = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + sample.value);
  }
  return [...buckets].sort(([a], [b]) => a - b);
}

/** Prometheus's histogram_quantile: linear interpolation inside the bucket that holds the rank. */
export function histogramQuantile(quantile: number, buckets: readonly (readonly [number, number])[]): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = quantile * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return previousBound;
      return (
        previousBound + ((bound - previousBound) * (rank - previousCount)) / (count - previousCount || 1)
      );
    }
    previousBound = bound;
    previousCount = count;
  }
  return previousBound;
}
