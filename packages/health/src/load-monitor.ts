/**
 * Samples the event loop every `sampleIntervalMs`, off the request path: the mean delay (perf_hooks
 * `monitorEventLoopDelay`), the utilisation (`performance.eventLoopUtilization`) and, when load shedding
 * watches it, the V8 heap used. Its timer never keeps the process alive.
 */
import {
  type EventLoopUtilization,
  type IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';

/** The histogram's timer period; samples include it, so it is taken off (as @fastify/under-pressure does). */
const RESOLUTION_MS = 10;

export interface LoadSample {
  /** Mean event-loop delay of the last interval, in ms. */
  readonly delayMs: number;
  /** Event-loop utilisation of the last interval, from 0 to 1. */
  readonly utilization: number;
  /** V8 heap used at the last sample, in bytes (0 unless sampled). */
  readonly heapUsedBytes: number;
}

export class LoadMonitor implements LoadSample {
  delayMs = 0;
  utilization = 0;
  heapUsedBytes = 0;
  private readonly histogram: IntervalHistogram | undefined;
  private readonly timer: NodeJS.Timeout;
  private lastSample = performance.now();
  private lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(
    sampleIntervalMs: number,
    watch: { readonly delay: boolean; readonly heap: boolean },
    onSample: () => void,
  ) {
    if (watch.delay) {
      this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      this.histogram.enable();
    }
    this.timer = setInterval(() => {
      this.sample(sampleIntervalMs, watch.heap);
      onSample();
    }, sampleIntervalMs);
    this.timer.unref();
  }

  private sample(sampleIntervalMs: number, heap: boolean): void {
    const now = performance.now();
    if (this.histogram !== undefined) {
      const mean = this.histogram.mean / 1e6;
      // No sample at all: the loop was blocked for the whole interval; our own lateness says how long.
      const delay = Number.isNaN(mean) ? now - this.lastSample - sampleIntervalMs : mean - RESOLUTION_MS;
      this.delayMs = Math.max(0, Math.round(delay * 10) / 10);
      this.histogram.reset();
    }
    const utilization = performance.eventLoopUtilization();
    this.utilization =
      Math.round(performance.eventLoopUtilization(utilization, this.lastUtilization).utilization * 1000) /
      1000;
    this.lastUtilization = utilization;
    if (heap) this.heapUsedBytes = process.memoryUsage().heapUsed;
    this.lastSample = now;
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
  }
}
