import { nodeHandler, observe, sideListenerAddress } from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  type HttpMode,
  SDK_VERSIONS,
  startHttpServer,
} from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { observed, probe, until } from '../test/probe.js';
import { health } from './index.js';
import type { HealthOptions, HealthPlugin } from './types.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function plugin(options: HealthOptions = {}): HealthPlugin {
  const created = health({ shutdown: false, ...options });
  cleanups.push(() => created.dispose());
  return created;
}

it.each([
  [{ livez: 'livez' }, "paths.livez must be a path starting with '/', got livez."],
  [{ readyz: '/readyz?x' }, "paths.readyz must be a path starting with '/', got /readyz?x."],
  [{ livez: '/same', readyz: '/same' }, 'paths must differ from each other, got /same, /same, /healthz.'],
] as const)('rejects paths %o', (paths, message) => {
  expect(() => health({ shutdown: false, paths })).toThrow(`health(): ${message}`);
});

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  /** One observed server with the routes on core's side listener (the stdio layout). */
  async function sideListener(options: HealthOptions = {}) {
    const probes = plugin(options);
    const server = observe(createExampleServer({ sdk }), { listen: { port: 0 } }).use(probes);
    cleanups.push(() => server.close());
    const { url } = await sideListenerAddress(server);
    return { probes, server, url };
  }

  it('is live at once, and ready only once a transport is connected', async () => {
    const { server, url } = await sideListener();
    const live = await probe(`${url}/livez`);
    expect(live.status).toBe(200);
    expect(live.contentType).toBe('application/health+json');
    expect(live.body).toEqual({ status: 'pass', version: '1.0.0', description: 'MCP server example-server' });

    const before = await probe(`${url}/readyz`);
    expect(before.status).toBe(503);
    expect(before.body).toEqual({
      status: 'fail',
      version: '1.0.0',
      description: 'MCP server example-server',
      output: 'failing: transport:connected',
    });

    const client = await connectInMemory(server, sdk);
    const ready = await probe(`${url}/readyz?verbose`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('pass');
    expect(Object.keys(ready.body.checks ?? {})).toEqual([
      'server:lifecycle',
      'transport:connected',
      'eventloop:delay',
      'eventloop:utilization',
      'memory:heapUsed',
      'memory:rss',
      'requests:inFlight',
    ]);
    expect(ready.body.checks?.['transport:connected']).toEqual([
      {
        componentType: 'component',
        observedValue: 1,
        observedUnit: 'connections',
        status: 'pass',
        time: expect.any(String),
      },
    ]);
    expect(observed(ready.body, 'memory:heapUsed')).toBeGreaterThan(0);
    expect(observed(ready.body, 'requests:inFlight')).toBe(0);
    expect((await probe(`${url}/healthz`)).status).toBe(200);

    await client.close();
    const after = await probe(`${url}/readyz?verbose=1`);
    expect(after.status).toBe(503);
    expect(after.body.checks?.['transport:connected']?.[0]).toMatchObject({
      status: 'fail',
      observedValue: 0,
      output: 'no MCP transport is connected',
    });
  });

  it('reports passing, warning, failing and hanging checks over HTTP', async () => {
    let hangingCalls = 0;
    const { server, url } = await sideListener({
      checks: {
        'postgres:connections': async () => ({ observedValue: 4, observedUnit: 'connections' }),
        'disk:utilization': () => ({ status: 'warn', observedValue: 0.93, output: 'disk 93% full' }),
      },
    });
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());

    const warning = await probe(`${url}/readyz?verbose`);
    expect(warning.status).toBe(200);
    expect(warning.body.status).toBe('warn');
    expect(warning.body.output).toBe('warning: disk:utilization');
    expect(warning.body.checks?.['postgres:connections']?.[0]).toMatchObject({
      status: 'pass',
      observedValue: 4,
    });
    expect(warning.body.checks?.['disk:utilization']?.[0]).toMatchObject({
      status: 'warn',
      output: 'disk 93% full',
    });

    const failing = await sideListener({
      checkTimeoutMs: 150,
      checks: {
        'redis:ping': () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
        'api:latency': { timeoutMs: 100, check: () => new Promise(() => void hangingCalls++) },
        'queue:depth': () => new Promise(() => undefined),
      },
    });
    const failingClient = await connectInMemory(failing.server, sdk);
    cleanups.push(() => failingClient.close());
    const answer = await probe(`${failing.url}/readyz?verbose`);
    expect(answer.status).toBe(503);
    expect(answer.body.output).toBe('failing: redis:ping, api:latency, queue:depth');
    expect(answer.body.checks?.['redis:ping']?.[0]).toMatchObject({
      status: 'fail',
      output: 'ECONNREFUSED 127.0.0.1:6379',
    });
    expect(answer.body.checks?.['api:latency']?.[0]).toMatchObject({
      status: 'fail',
      output: 'timed out after 100 ms',
    });
    // Without its own timeoutMs, a check gets checkTimeoutMs.
    expect(answer.body.checks?.['queue:depth']?.[0]).toMatchObject({
      status: 'fail',
      output: 'timed out after 150 ms',
    });
    // The hanging check neither blocks the next probe nor the liveness probe.
    expect((await probe(`${failing.url}/readyz`)).status).toBe(503);
    expect((await probe(`${failing.url}/livez`)).status).toBe(200);
    expect(hangingCalls).toBe(2);
  });

  it('runs liveness checks on /livez and startup checks until they pass once', async () => {
    let warm = false;
    let startupCalls = 0;
    const { server, url } = await sideListener({
      checks: {
        'worker:heartbeat': { kind: 'liveness', check: () => ({ status: 'fail', output: 'worker stuck' }) },
        'cache:warm': {
          kind: 'startup',
          check: () => {
            startupCalls++;
            return warm;
          },
        },
      },
    });
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());

    const live = await probe(`${url}/livez?verbose`);
    expect(live.status).toBe(503);
    expect(Object.keys(live.body.checks ?? {})).toEqual(['process:uptime', 'worker:heartbeat']);
    expect(live.body.output).toBe('failing: worker:heartbeat');

    const starting = await probe(`${url}/readyz?verbose`);
    expect(starting.status).toBe(503);
    expect(starting.body.checks?.['cache:warm']?.[0]?.status).toBe('fail');
    warm = true;
    expect((await probe(`${url}/readyz?verbose`)).body.checks?.['cache:warm']?.[0]?.status).toBe('pass');
    warm = false;
    expect((await probe(`${url}/readyz?verbose`)).body.checks?.['cache:warm']?.[0]?.status).toBe('pass');
    expect(startupCalls).toBe(2);
  });

  it('hides every detail when details is false, whatever the query', async () => {
    const { server, url } = await sideListener({ details: false, checks: { 'db:ping': () => false } });
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    const answer = await probe(`${url}/readyz?verbose`);
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ status: 'fail' });
    expect((await probe(`${url}/livez?verbose`)).body).toEqual({ status: 'pass' });
  });

  it('serves the probes at the paths it is given, and no alias with healthz: false', async () => {
    const { server, url } = await sideListener({
      paths: { livez: '/health/live', readyz: '/health/ready', healthz: false },
    });
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    const statuses = async (paths: string[]) =>
      Promise.all(paths.map(async (path) => (await fetch(`${url}${path}`)).status));
    expect(await statuses(['/health/live', '/health/ready', '/livez', '/readyz', '/healthz'])).toEqual([
      200, 200, 404, 404, 404,
    ]);
    expect(
      (await probe(`${url}/health/ready?verbose`)).body.checks?.['transport:connected']?.[0]?.observedValue,
    ).toBe(1);
    const aliased = plugin({ paths: { healthz: '/status' } });
    expect(Object.keys(aliased.routes)).toEqual(['/livez', '/readyz', '/status']);
  });

  it('answers HEAD with the status and no body', async () => {
    const { url } = await sideListener();
    const response = await fetch(`${url}/readyz`, { method: 'HEAD' });
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('');
  });

  it('follows markNotReady and markReady, and markedReady: false waits for markReady', async () => {
    const { probes, server, url } = await sideListener({ markedReady: false });
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    const waiting = await probe(`${url}/readyz?verbose`);
    expect(waiting.status).toBe(503);
    expect(waiting.body.checks?.['server:lifecycle']?.[0]).toMatchObject({
      status: 'fail',
      observedValue: 'not-ready',
      output: 'marked not ready',
    });
    probes.markReady();
    expect((await probe(`${url}/readyz`)).status).toBe(200);
    probes.markNotReady();
    expect((await probe(`${url}/readyz`)).status).toBe(503);
  });

  it('reports in-flight requests against their limit', async () => {
    const { server, url } = await sideListener({ inFlight: { warn: 2, fail: 3 } });
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    const slow = [client.callTool('slow', { ms: 3_000 }), client.callTool('slow', { ms: 3_000 })];
    let answer = await probe(`${url}/readyz?verbose`);
    for (let attempt = 0; observed(answer.body, 'requests:inFlight') !== 2 && attempt < 500; attempt++) {
      answer = await probe(`${url}/readyz?verbose`);
    }
    expect(answer.status).toBe(200);
    expect(answer.body.checks?.['requests:inFlight']?.[0]).toMatchObject({
      status: 'warn',
      observedValue: 2,
      observedUnit: 'requests',
      output: '2 requests reached the warn level of 2 requests',
    });
    slow.push(client.callTool('slow', { ms: 3_000 }));
    for (let attempt = 0; observed(answer.body, 'requests:inFlight') !== 3 && attempt < 500; attempt++) {
      answer = await probe(`${url}/readyz?verbose`);
    }
    expect(answer.status).toBe(503);
    expect(answer.body.checks?.['requests:inFlight']?.[0]?.status).toBe('fail');
    await client.close();
    await Promise.allSettled(slow);
  });

  const modes: HttpMode[] = sdk === 'v1' ? ['stateful', 'stateless'] : ['stateful', 'handler'];
  it.each(modes)('an idle HTTP server (%s) stays ready between clients', async (mode) => {
    const probes = plugin();
    const http = await startHttpServer({
      sdk,
      mode,
      createServer: () => observe(createExampleServer({ sdk })).use(probes),
      routes: nodeHandler([probes]),
    });
    cleanups.push(() => http.close());
    const idle = await probe(`${http.baseUrl}/readyz?verbose`);
    expect(idle.status).toBe(200);
    expect(observed(idle.body, 'transport:connected')).toBe(0);

    const client = await connectHttp(sdk, http.url);
    await client.callTool('echo', { text: 'hi' });
    expect((await probe(`${http.baseUrl}/readyz`)).status).toBe(200);
    // End the session (DELETE) so that no transport stays connected on the server.
    const transport = (client.raw as unknown as { transport?: { terminateSession?(): Promise<void> } })
      .transport;
    if (mode === 'stateful') await transport?.terminateSession?.();
    await client.close();

    const between = await until(async () => {
      const answer = await probe(`${http.baseUrl}/readyz?verbose`);
      return observed(answer.body, 'transport:connected') === 0 ? answer : undefined;
    }, 'every transport to close');
    expect(between.status).toBe(200);
    expect(between.body.checks?.['transport:connected']?.[0]?.status).toBe('pass');
  });

  it('requireConnection: true makes an idle HTTP server unready', async () => {
    const probes = plugin({ requireConnection: true });
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(createExampleServer({ sdk })).use(probes),
      routes: nodeHandler([probes]),
    });
    cleanups.push(() => http.close());
    expect((await probe(`${http.baseUrl}/readyz`)).status).toBe(503);
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    expect((await probe(`${http.baseUrl}/readyz`)).status).toBe(200);
  });
});
