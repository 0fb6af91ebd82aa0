/**
 * Load shedding: the thresholds resolved from the options, and which of them (if any) the last sample
 * exceeds. Requests are refused while one is exceeded, answered with core's `overloaded` refusal.
 */
import { getHeapStatistics } from 'node:v8';
import type { LoadSample } from './load-monitor.js';
import { type Gate, OVERLOADED_MESSAGE, overloadedGate } from './refusals.js';
import type { LoadSheddingOptions } from './types.js';

export interface Shedding {
  readonly maxEventLoopDelayMs: number | false;
  readonly maxEventLoopUtilization: number | false;
  readonly maxHeapUsedBytes: number | false;
  readonly gate: Gate;
  /** Why requests are refused right now, or undefined while they are not. */
  reason: string | undefined;
}

function positive(value: number | false, name: string, atMostOne = false): number | false {
  if (value === false) return false;
  if (typeof value !== 'number' || !(value > 0) || (atMostOne && value > 1)) {
    throw new TypeError(
      `health(): loadShedding.${name} must be ${atMostOne ? 'a number above 0 and at most 1' : 'a positive number'} or false, got ${String(value)}.`,
    );
  }
  return value;
}

export function resolveShedding(options: LoadSheddingOptions | boolean): Shedding | undefined {
  if (options === false) return undefined;
  const {
    maxEventLoopDelayMs = 1_000,
    maxEventLoopUtilization = 0.98,
    maxHeapUsedBytes = Math.round(getHeapStatistics().heap_size_limit * 0.95),
    retryAfterMs = 10_000,
    message = OVERLOADED_MESSAGE,
  } = options === true ? {} : options;
  return {
    maxEventLoopDelayMs: positive(maxEventLoopDelayMs, 'maxEventLoopDelayMs'),
    maxEventLoopUtilization: positive(maxEventLoopUtilization, 'maxEventLoopUtilization', true),
    maxHeapUsedBytes: positive(maxHeapUsedBytes, 'maxHeapUsedBytes'),
    gate: overloadedGate(message, retryAfterMs),
    reason: undefined,
  };
}

/** The first threshold the sample exceeds, said as the readiness output, or undefined. */
export function overloadReason(shedding: Shedding, sample: LoadSample): string | undefined {
  const { maxEventLoopDelayMs, maxEventLoopUtilization, maxHeapUsedBytes } = shedding;
  if (maxEventLoopDelayMs !== false && sample.delayMs > maxEventLoopDelayMs) {
    return `mean event-loop delay ${sample.delayMs} ms is over ${maxEventLoopDelayMs} ms`;
  }
  if (maxEventLoopUtilization !== false && sample.utilization > maxEventLoopUtilization) {
    return `event-loop utilization ${sample.utilization} is over ${maxEventLoopUtilization}`;
  }
  if (maxHeapUsedBytes !== false && sample.heapUsedBytes > maxHeapUsedBytes) {
    return `heap used ${sample.heapUsedBytes} bytes is over ${maxHeapUsedBytes} bytes`;
  }
  return undefined;
}
