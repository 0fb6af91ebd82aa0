import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The histogram's timer period; samples include it, so it is taken off (as @fastify/under-pressure does). */
const RESOLUTION_MS = 10;

/**
 * Samples the mean event-loop delay every `sampleIntervalMs` (perf_hooks `monitorEventLoopDelay`), off
 * the request path. Its timer never keeps the process alive.
 */
export class EventLoopMonitor {
  delayMs = 0;
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private lastSample = performance.now();

  constructor(sampleIntervalMs: number, onSample: () => void) {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.sample(sampleIntervalMs);
      onSample();
    }, sampleIntervalMs);
    this.timer.unref();
  }

  private sample(sampleIntervalMs: number): void {
    const now = performance.now();
    const mean = this.histogram.mean / 1e6;
    // No sample at all: the loop was blocked for the whole interval; our own lateness says how long.
    const delay = Number.isNaN(mean) ? now - this.lastSample - sampleIntervalMs : mean - RESOLUTION_MS;
    this.delayMs = Math.max(0, Math.round(delay * 10) / 10);
    this.lastSample = now;
    this.histogram.reset();
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
