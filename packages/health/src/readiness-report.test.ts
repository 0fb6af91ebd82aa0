/**
 * The readiness report field by field: each built-in check's exact reading, which checks appear for
 * each option combination, the lifecycle reading when marked not ready, and the probe routes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { disposeLater, disposeProbes, readiness } from '../test/readiness.js';
import { health } from './index.js';
import type { HealthOptions } from './types.js';

afterEach(disposeProbes);

const time = expect.any(String);
const number = expect.any(Number);

it('reads every built-in check exactly: component type, value, unit, status', async () => {
  const report = await readiness({});
  expect(report).toEqual({
    status: 'pass',
    checks: {
      'server:lifecycle': [{ componentType: 'system', observedValue: 'ready', status: 'pass', time }],
      'transport:connected': [
        { componentType: 'component', observedValue: 0, observedUnit: 'connections', status: 'pass', time },
      ],
      'eventloop:delay': [
        { componentType: 'system', observedValue: 0, observedUnit: 'ms', status: 'pass', time },
      ],
      'eventloop:utilization': [{ componentType: 'system', observedValue: 0, status: 'pass', time }],
      'memory:heapUsed': [
        { componentType: 'system', observedValue: number, observedUnit: 'bytes', status: 'pass', time },
      ],
      'memory:rss': [
        { componentType: 'system', observedValue: number, observedUnit: 'bytes', status: 'pass', time },
      ],
      'requests:inFlight': [
        { componentType: 'system', observedValue: 0, observedUnit: 'requests', status: 'pass', time },
      ],
    },
  });
  // Only the keys above: no `version`, `description` or `output` (not even undefined) without a server.
  expect(Object.keys(report)).toEqual(['status', 'checks']);
});

it('says the server was marked not ready', async () => {
  const report = await readiness({ markedReady: false });
  expect(report.status).toBe('fail');
  expect(report.output).toBe('failing: server:lifecycle');
  expect(report.checks?.['server:lifecycle']).toEqual([
    {
      componentType: 'system',
      observedValue: 'not-ready',
      status: 'fail',
      time,
      output: 'marked not ready',
    },
  ]);
});

describe('which built-in checks appear', () => {
  const ALWAYS = ['server:lifecycle', 'transport:connected'];
  it.each([
    [
      { eventLoopDelay: false },
      ['eventloop:utilization', 'memory:heapUsed', 'memory:rss', 'requests:inFlight'],
    ],
    [
      { eventLoopUtilization: false },
      ['eventloop:delay', 'memory:heapUsed', 'memory:rss', 'requests:inFlight'],
    ],
    [
      { eventLoopDelay: false, eventLoopUtilization: false },
      ['memory:heapUsed', 'memory:rss', 'requests:inFlight'],
    ],
    [{ heapUsed: false }, ['eventloop:delay', 'eventloop:utilization', 'memory:rss', 'requests:inFlight']],
    [{ rss: false }, ['eventloop:delay', 'eventloop:utilization', 'memory:heapUsed', 'requests:inFlight']],
    [{ heapUsed: false, rss: false }, ['eventloop:delay', 'eventloop:utilization', 'requests:inFlight']],
    [
      { eventLoopDelay: false, eventLoopUtilization: false, heapUsed: false, rss: false, inFlight: false },
      [],
    ],
    [
      { eventLoopDelay: false, eventLoopUtilization: false, loadShedding: true },
      ['server:load', 'memory:heapUsed', 'memory:rss', 'requests:inFlight'],
    ],
  ] as [HealthOptions, string[]][])('with %o', async (options, expected) => {
    const report = await readiness(options);
    expect(Object.keys(report.checks ?? {})).toEqual([...ALWAYS, ...expected]);
  });
});

describe('routes', () => {
  it('serves /livez, /readyz and /healthz by default', () => {
    const probes = disposeLater(health({ shutdown: false }));
    expect(Object.keys(probes.routes)).toEqual(['/livez', '/readyz', '/healthz']);
    expect(probes.routes['/healthz']).toBe(probes.routes['/readyz']);
  });

  it('drops the /healthz alias with paths.healthz false', () => {
    const probes = disposeLater(health({ shutdown: false, paths: { healthz: false } }));
    expect(Object.keys(probes.routes)).toEqual(['/livez', '/readyz']);
  });
});
