/**
 * The levels of the built-in readiness checks: each option's levels decide the check's status, and
 * `false` drops the check. Levels of 0 (or 1 byte) are always reached, so the outcomes do not depend on
 * how busy the machine is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { disposeProbes, readiness } from '../test/readiness.js';

afterEach(disposeProbes);

const CHECKS = {
  eventLoopDelay: ['eventloop:delay', ' ms'],
  eventLoopUtilization: ['eventloop:utilization', ''],
  heapUsed: ['memory:heapUsed', ' bytes'],
  rss: ['memory:rss', ' bytes'],
  inFlight: ['requests:inFlight', ' requests'],
} as const;

describe.each(Object.entries(CHECKS))('%s', (option, [check, unit]) => {
  // Every reading is >= 0 (and the heap and resident set hold more than 1 byte).
  const reached = option === 'heapUsed' || option === 'rss' ? 1 : 0;

  it('warns at its warn level: the probe stays 200 (status warn)', async () => {
    const report = await readiness({ [option]: { warn: reached } });
    const reading = report.checks?.[check]?.[0];
    expect(reading?.status).toBe('warn');
    expect(reading?.output).toBe(
      `${reading?.observedValue}${unit} reached the warn level of ${reached}${unit}`,
    );
    expect(report.status).toBe('warn');
    expect(report.output).toBe(`warning: ${check}`);
  });

  it('fails at its fail level: the probe answers 503 (status fail)', async () => {
    const report = await readiness({ [option]: { warn: reached, fail: reached } });
    expect(report.checks?.[check]?.[0]?.status).toBe('fail');
    expect(report.status).toBe('fail');
    expect(report.output).toBe(`failing: ${check}`);
  });

  it('passes below its levels', async () => {
    const report = await readiness({ [option]: { warn: Number.MAX_SAFE_INTEGER } });
    expect(report.checks?.[check]?.[0]?.status).toBe('pass');
    expect(report.status).toBe('pass');
  });

  it('is dropped with false', async () => {
    const report = await readiness({ [option]: false });
    expect(Object.keys(report.checks ?? {})).not.toContain(check);
    expect(report.status).toBe('pass');
  });
});

it('reports every built-in check by default, in this order, with its unit', async () => {
  const report = await readiness({});
  expect(Object.keys(report.checks ?? {})).toEqual([
    'server:lifecycle',
    'transport:connected',
    'eventloop:delay',
    'eventloop:utilization',
    'memory:heapUsed',
    'memory:rss',
    'requests:inFlight',
  ]);
  expect(
    Object.entries(report.checks ?? {}).map(([name, [reading]]) => [name, reading?.observedUnit]),
  ).toEqual([
    ['server:lifecycle', undefined],
    ['transport:connected', 'connections'],
    ['eventloop:delay', 'ms'],
    ['eventloop:utilization', undefined],
    ['memory:heapUsed', 'bytes'],
    ['memory:rss', 'bytes'],
    ['requests:inFlight', 'requests'],
  ]);
});
