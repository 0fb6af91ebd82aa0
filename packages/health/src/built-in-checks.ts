/** The checks every probe gets: transport, event loop, memory, in-flight requests, load, uptime. */
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

/** A reading compared with warn and fail levels; `observedUnit` undefined for a ratio. */
export function thresholdCheck(
  value: number,
  thresholds: Thresholds,
  observedUnit: string | undefined,
  componentType: string,
  time: string,
): CheckReport {
  const status = levelOf(value, thresholds);
  const unit = observedUnit === undefined ? {} : { observedUnit };
  if (status === 'pass') return { componentType, observedValue: value, ...unit, status, time };
  const level = status === 'fail' ? thresholds.fail : thresholds.warn;
  const suffix = observedUnit === undefined ? '' : ` ${observedUnit}`;
  return {
    componentType,
    observedValue: value,
    ...unit,
    status,
    time,
    output: `${value}${suffix} reached the ${status} level of ${level}${suffix}`,
  };
}

/** Whether load shedding refuses requests right now (`reason` says why). */
export function loadCheck(reason: string | undefined, time: string): CheckReport {
  if (reason === undefined) return { componentType: 'system', observedValue: 'normal', status: 'pass', time };
  return {
    componentType: 'system',
    observedValue: 'overloaded',
    status: 'fail',
    time,
    output: `shedding load: ${reason}`,
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
