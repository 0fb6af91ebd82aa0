import { type McpscopePlugin, nodeHandler, observe, type RequestFacts } from '@mcpscope/core';
import { connectHttp, createExampleServer, SDK_VERSIONS, startHttpServer } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, until } from '../test/probe.js';
import { health, OVERLOADED_ERROR_CODE, OVERLOADED_MESSAGE } from './index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Keeps the event loop busy: back-to-back synchronous blocks of `blockMs`. */
function overload(blockMs: number): () => void {
  const timer = setInterval(() => {
    const end = performance.now() + blockMs;
    while (performance.now() < end) {
      // busy on purpose
    }
  }, 1);
  return () => clearInterval(timer);
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('refuses new requests with a clear JSON-RPC error while the event loop is overloaded', async () => {
    const probes = health({
      shutdown: false,
      sampleIntervalMs: 100,
      loadShedding: { maxEventLoopDelayMs: 60, retryAfterMs: 2_000 },
    });
    cleanups.push(() => probes.dispose());
    const ended: RequestFacts[] = [];
    const recorder: McpscopePlugin = {
      name: 'recorder',
      onRequestEnd: (request) => void ended.push(request),
    };
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(createExampleServer({ sdk })).use(probes, recorder),
      routes: nodeHandler([probes]),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    // Loading modules may lag the loop at first: start from a calm loop.
    await until(async () => (probes.overloaded ? undefined : true), 'a calm event loop');
    expect(await client.callTool('echo', { text: 'calm' })).toMatchObject({ content: [{ text: 'calm' }] });

    const stop = overload(150);
    cleanups.push(stop);
    await until(async () => (probes.overloaded ? true : undefined), 'load shedding to start');
    const refused = await client.callTool('echo', { text: 'hi' }).then(
      () => undefined,
      (error: unknown) => error as { code: number; message: string; data: unknown },
    );
    // A ping is never shed: it tells the client the server is alive.
    await client.request('ping');
    const readiness = await probe(`${http.baseUrl}/readyz?verbose`);
    stop();

    expect(refused?.code).toBe(OVERLOADED_ERROR_CODE);
    expect(refused?.message).toContain(OVERLOADED_MESSAGE);
    expect(refused?.data).toEqual({ reason: 'overloaded', retryAfterMs: 2_000 });
    const call = ended.filter((request) => request.method === 'tools/call')[1];
    expect(call).toMatchObject({
      outcome: 'error',
      errorCode: OVERLOADED_ERROR_CODE,
      refusal: { plugin: 'mcpscope/health', reason: 'overloaded' },
    });
    expect(ended.filter((request) => request.method === 'ping').map((request) => request.outcome)).toEqual([
      'ok',
    ]);
    expect(readiness.status).toBe(503);
    expect(readiness.body.checks?.['eventloop:delay']?.[0]).toMatchObject({
      status: 'fail',
      observedUnit: 'ms',
      output: expect.stringMatching(/^shedding load: mean event-loop delay [\d.]+ ms is over 60 ms$/),
    });

    await until(async () => (probes.overloaded ? undefined : true), 'load shedding to stop');
    expect(await client.callTool('echo', { text: 'back' })).toMatchObject({
      content: [{ type: 'text', text: 'back' }],
    });
    expect((await probe(`${http.baseUrl}/readyz`)).status).toBe(200);
  });

  it('does not shed load unless asked to', async () => {
    const probes = health({ shutdown: false, sampleIntervalMs: 100 });
    cleanups.push(() => probes.dispose());
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(createExampleServer({ sdk })).use(probes),
      routes: nodeHandler([probes]),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    const stop = overload(150);
    cleanups.push(stop);
    await until(async () => (probes.eventLoopDelayMs > 60 ? true : undefined), 'the event loop to lag');
    expect(await client.callTool('echo', { text: 'hi' })).toMatchObject({ content: [{ text: 'hi' }] });
    expect(probes.overloaded).toBe(false);
    stop();
  });
});

it('rejects a load-shedding limit that is not a positive number', () => {
  expect(() => health({ shutdown: false, loadShedding: { maxEventLoopDelayMs: 0 } })).toThrow(
    'loadShedding.maxEventLoopDelayMs must be a positive number',
  );
});
