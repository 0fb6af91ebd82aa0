/** Real HTTP GETs against the health routes, and polling helpers that wait for conditions. */
import type { HealthReport } from '../src/index.js';

export interface ProbeAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: HealthReport;
}

export async function probe(url: string): Promise<ProbeAnswer> {
  const response = await fetch(url);
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: JSON.parse(text) as HealthReport,
  };
}

/** Polls `attempt` until it returns a value (not undefined); fails with `what` after `timeoutMs`. */
export async function until<Value>(
  attempt: () => Promise<Value | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The observed value of one check in a verbose report. */
export function observed(report: HealthReport, check: string): unknown {
  return report.checks?.[check]?.[0]?.observedValue;
}
