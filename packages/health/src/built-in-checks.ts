/** The checks every probe gets: transport, event-loop delay, memory, in-flight requests, uptime. */
import { getHeapStatistics } from 'node:v8';
import type { CheckReport, CheckStatus, Thresholds } from './types.js';

export const DEFAULT_EVENT_LOOP_DELAY: Thresholds = { warn: 200, fail: 1_000 };

export function defaultHeapThresholds(): Thresholds {
  return { warn: Math.round(getHeapStatistics().heap_size_limit * 0.9) };
}

function levelOf(value: number, thresholds: Thresholds): CheckStatus {
  if (thresholds.fail !== undefined && value >= thresholds.fail) return 'fail';
  if (thresholds.warn !== undefined && value >= thresholds.warn) return 'warn';
  return 'pass';
}

/** A reading compared with warn and fail levels. */
export function thresholdCheck(
  value: number,
  thresholds: Thresholds,
  observedUnit: string,
  componentType: string,
  time: string,
): CheckReport {
  const status = levelOf(value, thresholds);
  if (status === 'pass') return { componentType, observedValue: value, observedUnit, status, time };
  const level = status === 'fail' ? thresholds.fail : thresholds.warn;
  return {
    componentType,
    observedValue: value,
    observedUnit,
    status,
    time,
    output: `${value} ${observedUnit} reached the ${status} level of ${level} ${observedUnit}`,
  };
}

export function eventLoopCheck(
  delayMs: number,
  thresholds: Thresholds,
  shedding: { readonly active: boolean; readonly limitMs: number } | undefined,
  time: string,
): CheckReport {
  const report = thresholdCheck(delayMs, thresholds, 'ms', 'system', time);
  if (shedding === undefined || !shedding.active) return report;
  return {
    ...report,
    status: 'fail',
    output: `shedding load: mean event-loop delay ${delayMs} ms is over ${shedding.limitMs} ms`,
  };
}

export function transportCheck(openConnections: number, required: boolean, time: string): CheckReport {
  const report: CheckReport = {
    componentType: 'component',
    observedValue: openConnections,
    observedUnit: 'connections',
    status: 'pass',
    time,
  };
  if (openConnections > 0 || !required) return report;
  return { ...report, status: 'fail', output: 'no MCP transport is connected' };
}

export function uptimeCheck(time: string): CheckReport {
  return {
    componentType: 'system',
    observedValue: Math.round(process.uptime() * 1000) / 1000,
    observedUnit: 's',
    status: 'pass',
    time,
  };
}
