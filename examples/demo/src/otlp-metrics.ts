/**
 * What the demo's OTLP receiver got on /v1/metrics, reduced to the final state: the exports are
 * cumulative (each carries every series since the start), so for each instrument and attribute set the
 * data point with the latest time wins, whatever order the exports arrived in.
 */
import { attributesOf, type OtlpDataPoint, type ReceivedMetric } from './receivers.js';

export interface FinalPoint {
  readonly attributes: Record<string, string | number | boolean>;
  readonly timeUnixNano: bigint;
  /** A histogram's count of observations, or a sum's or gauge's value. */
  readonly value: number;
  /** A histogram's sum (seconds for the durations). */
  readonly sum?: number;
}

export interface FinalInstrument {
  readonly name: string;
  readonly kind: 'histogram' | 'counter' | 'updowncounter' | 'gauge';
  readonly unit: string;
  readonly scope: string;
  readonly points: FinalPoint[];
}

function kindOf(metric: ReceivedMetric['metric']): FinalInstrument['kind'] {
  if (metric.histogram !== undefined) return 'histogram';
  if (metric.sum !== undefined) return metric.sum.isMonotonic ? 'counter' : 'updowncounter';
  return 'gauge';
}

function pointsOf(metric: ReceivedMetric['metric']): OtlpDataPoint[] {
  return metric.histogram?.dataPoints ?? metric.sum?.dataPoints ?? metric.gauge?.dataPoints ?? [];
}

const keyOf = (attributes: Record<string, unknown>) =>
  JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The final data points of every instrument received, by instrument name. */
export function finalMetrics(received: readonly ReceivedMetric[]): Map<string, FinalInstrument> {
  const instruments = new Map<string, { instrument: FinalInstrument; byKey: Map<string, FinalPoint> }>();
  for (const { metric, scope } of received) {
    let entry = instruments.get(metric.name);
    if (entry === undefined) {
      entry = {
        instrument: { name: metric.name, kind: kindOf(metric), unit: metric.unit ?? '', scope, points: [] },
        byKey: new Map(),
      };
      instruments.set(metric.name, entry);
    }
    for (const point of pointsOf(metric)) {
      const attributes = attributesOf(point.attributes);
      const key = keyOf(attributes);
      const timeUnixNano = BigInt(point.timeUnixNano);
      const previous = entry.byKey.get(key);
      if (previous !== undefined && previous.timeUnixNano >= timeUnixNano) continue;
      const value = Number(point.count ?? point.asInt ?? point.asDouble ?? 0);
      entry.byKey.set(key, {
        attributes,
        timeUnixNano,
        value,
        sum: point.count === undefined ? undefined : point.sum,
      });
    }
  }
  return new Map(
    [...instruments].map(([name, { instrument, byKey }]) => [
      name,
      { ...instrument, points: [...byKey.values()] },
    ]),
  );
}

/** The sum of the values (observations, for a histogram) of the points that match. */
export function total(
  instrument: FinalInstrument | undefined,
  matches: (attributes: FinalPoint['attributes']) => boolean = () => true,
): number {
  return (instrument?.points ?? [])
    .filter((point) => matches(point.attributes))
    .reduce((sum, point) => sum + point.value, 0);
}
