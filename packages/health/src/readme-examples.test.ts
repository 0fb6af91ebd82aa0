/** The README's code blocks (test/readme-examples.ts) do what the README says. */
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { withChecks, withLoadShedding, withOwnSignalHandling, withRoutes } from '../test/readme-examples.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

it('checks: each kind and return shape', async () => {
  const probes = withChecks({
    pool: { query: async () => [] },
    redis: { ping: async () => 'PONG' },
    queue: { count: async () => 12_000 },
    cache: { isWarm: () => true },
    worker: { lastBeat: Date.now() - 120_000 },
    pingSearch: () => Promise.reject(new Error('search is down')),
  });
  cleanups.push(() => probes.dispose());
  const readiness = await probes.readiness();
  const statuses = (report: typeof readiness) =>
    Object.fromEntries(
      Object.entries(report.checks ?? {}).map(([name, [reading]]) => [name, reading?.status]),
    );
  expect(statuses(readiness)).toMatchObject({
    'postgres:ping': 'pass',
    'redis:ping': 'pass',
    'queue:depth': 'warn',
    'search:latency': 'warn',
    'cache:warm': 'pass',
    'worker:heartbeat': 'fail',
  });
  expect(statuses(await probes.liveness())).toEqual({ 'process:uptime': 'pass', 'worker:heartbeat': 'fail' });
});

it('load shedding: the thresholds it names', async () => {
  const probes = withLoadShedding();
  cleanups.push(() => probes.dispose());
  expect((await probes.readiness()).checks?.['server:load']?.[0]).toMatchObject({ status: 'pass' });
});

it('own signal handling: no handler of the plugin, one of the app', () => {
  const before = process.listenerCount('SIGTERM');
  const probes = withOwnSignalHandling(async () => undefined);
  const added = process.listeners('SIGTERM').at(-1)!;
  cleanups.push(() => {
    probes.dispose();
    process.off('SIGTERM', added);
  });
  expect(process.listenerCount('SIGTERM')).toBe(before + 1);
});

it('routes: the probes beside the MCP endpoint, at their paths', async () => {
  const { probes, http } = withRoutes((_request, response) => void response.writeHead(204).end());
  cleanups.push(() => {
    probes.dispose();
    http.close();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const statuses = await Promise.all(
    ['/livez', '/readyz', '/healthz', '/mcp'].map(async (path) => (await fetch(`${base}${path}`)).status),
  );
  expect(statuses).toEqual([200, 200, 404, 204]);
});
