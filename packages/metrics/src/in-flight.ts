/**
 * In-flight requests by method: plain counters on the hot path, copied into the prom-client gauge
 * when it is collected (at scrape time). The counters live on the gauge itself, so every plugin
 * instance (and every copy of this module) that reuses the gauge shares them.
 */
import type { Gauge } from 'prom-client';
import type { Labels } from './label-policy.js';

const COUNTERS = Symbol.for('@mcpscope/metrics.in-flight');

export interface InFlightCounter {
  readonly labels: Labels;
  count: number;
  add(delta: number): void;
}

type WithCounters = Gauge<string> & { [COUNTERS]?: Map<string, InFlightCounter> };

/** The gauge's `collect`: publishes every counter (zeros included, so a drained method reads 0). */
export function collectInFlight(this: Gauge<string>): void {
  const counters = (this as WithCounters)[COUNTERS];
  if (counters === undefined) return;
  for (const counter of counters.values()) this.set(counter.labels, counter.count);
}

/** The counter of these labels on this gauge, shared with every other user of the gauge. */
export function inFlightCounter(gauge: Gauge<string>, labels: Labels): InFlightCounter {
  const owner = gauge as WithCounters;
  owner[COUNTERS] ??= new Map();
  const key = JSON.stringify(labels);
  let counter = owner[COUNTERS].get(key);
  if (counter === undefined) {
    counter = {
      labels,
      count: 0,
      add(delta) {
        this.count += delta;
      },
    };
    owner[COUNTERS].set(key, counter);
  }
  return counter;
}
