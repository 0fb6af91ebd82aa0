/** Health plugins made by a test, disposed by `disposeProbes` (in `afterEach`), and their readiness reports. */
import { health } from '../src/index.js';
import type { HealthOptions, HealthReport } from '../src/types.js';

const made: { dispose(): void }[] = [];

export function disposeLater<Probes extends { dispose(): void }>(probes: Probes): Probes {
  made.push(probes);
  return probes;
}

export function disposeProbes(): void {
  while (made.length > 0) made.pop()!.dispose();
}

/** The readiness report of a plugin made with these options (no signal handlers, no connection needed). */
export async function readiness(options: HealthOptions): Promise<HealthReport> {
  return disposeLater(health({ shutdown: false, requireConnection: false, ...options })).readiness();
}
