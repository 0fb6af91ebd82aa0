/**
 * In-flight requests by method: plain counters on the hot path, copied into the prom-client gauge
 * when it is collected (at scrape time). The counters live on the gauge itself, so every plugin
 * instance (and every copy of this module) that reuses the gauge shares them.
 */
import type { Gauge } from 'prom-client';
import type { LabelPolicy, Labels } from './label-policy.js';
import { LABEL_NAMES } from './names.js';

const COUNTERS = Symbol.for('@mcpscope/metrics.in-flight');

export interface InFlightCounter {
  readonly labels: Labels;
  count: number;
}

type WithCounters = Gauge<string> & { [COUNTERS]?: Map<string, InFlightCounter> };

/** The gauge's `collect`: publishes every counter (zeros included, so a drained method reads 0). */
export function collectInFlight(this: Gauge<string>): void {
  const counters = (this as WithCounters)[COUNTERS];
  if (counters === undefined) return;
  for (const counter of counters.values()) this.set(counter.labels, counter.count);
}

export class InFlightRequests {
  private readonly byMethod = new Map<string, InFlightCounter>();
  private readonly shared: Map<string, InFlightCounter>;
  private readonly policy: LabelPolicy;

  constructor(gauge: Gauge<string>, policy: LabelPolicy) {
    const owner = gauge as WithCounters;
    owner[COUNTERS] ??= new Map();
    this.shared = owner[COUNTERS];
    this.policy = policy;
  }

  counterFor(method: string): InFlightCounter {
    const known = this.byMethod.get(method);
    if (known !== undefined) return known;
    const labels = this.policy.labels({ [LABEL_NAMES.method]: method });
    const key = JSON.stringify(labels);
    let counter = this.shared.get(key);
    if (counter === undefined) {
      counter = { labels, count: 0 };
      this.shared.set(key, counter);
    }
    this.byMethod.set(method, counter);
    return counter;
  }
}
