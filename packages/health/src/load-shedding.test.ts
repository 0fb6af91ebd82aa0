import {
  type Diagnostic,
  type McpscopePlugin,
  nodeHandler,
  observe,
  REFUSAL_ERROR_CODES,
  type RequestFacts,
} from '@mcpscope/core';
import { connectHttp, createExampleServer, SDK_VERSIONS, startHttpServer, waitFor } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, until } from '../test/probe.js';
import { HEALTH_DIAGNOSTIC_CODES as CODES, health } from './index.js';
import { OVERLOADED_MESSAGE } from './refusals.js';
import type { HealthOptions, HealthPlugin, LoadSheddingOptions } from './types.js';

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
  cleanups.push(() => clearInterval(timer));
  return () => clearInterval(timer);
}

interface RpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

const outcomeOf = (call: Promise<unknown>): Promise<RpcError | 'served'> =>
  call.then(
    () => 'served' as const,
    ({ code, message, data }: RpcError) => ({ code, message, data }),
  );

const ONLY = {
  delay: { maxEventLoopUtilization: false, maxHeapUsedBytes: false },
  utilization: { maxEventLoopDelayMs: false, maxHeapUsedBytes: false },
  heap: { maxEventLoopDelayMs: false, maxEventLoopUtilization: false },
} as const;

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  async function serve(options: HealthOptions) {
    const probes = health({ shutdown: false, sampleIntervalMs: 50, ...options });
    cleanups.push(() => probes.dispose());
    const ended: RequestFacts[] = [];
    const diagnostics: Diagnostic[] = [];
    const recorder: McpscopePlugin = {
      name: 'recorder',
      onRequestEnd: (request) => void ended.push(request),
    };
    const receive = (diagnostic: Diagnostic) => void diagnostics.push(diagnostic);
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () =>
        observe(createExampleServer({ sdk }), { onDiagnostic: receive }).use(probes, recorder),
      routes: nodeHandler([probes]),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    return { probes, http, client, ended, diagnostics };
  }

  it('sheds on heap used: a clear JSON-RPC error, ping still served, readiness 503, reported once', async () => {
    const shedding: LoadSheddingOptions = {
      ...ONLY.heap,
      maxHeapUsedBytes: 1,
      retryAfterMs: 2_000,
      message: 'busy',
    };
    // A 1-byte limit sheds from the first sample on, `initialize` too: the first sample comes a second
    // after start, once the client has connected (at 50 ms a loaded machine raced it).
    const { probes, http, client, ended, diagnostics } = await serve({
      loadShedding: shedding,
      sampleIntervalMs: 1_000,
    });
    await until(async () => (probes.overloaded ? true : undefined), 'load shedding to start');
    expect(await outcomeOf(client.callTool('echo', { text: 'a' }))).toEqual({
      code: REFUSAL_ERROR_CODES.overloaded,
      message: expect.stringContaining('busy'),
      data: { reason: 'overloaded', retryAfterMs: 2_000 },
    });
    expect(await outcomeOf(client.request('ping'))).toBe('served');
    expect(await outcomeOf(client.callTool('echo', { text: 'b' }))).toMatchObject({
      code: REFUSAL_ERROR_CODES.overloaded,
    });
    const readiness = await probe(`${http.baseUrl}/readyz?verbose`);
    expect(readiness.status).toBe(503);
    expect(readiness.body.output).toBe('failing: server:load');
    expect(readiness.body.checks?.['server:load']?.[0]).toMatchObject({
      status: 'fail',
      observedValue: 'overloaded',
      output: expect.stringMatching(/^shedding load: heap used \d+ bytes is over 1 bytes$/),
    });
    const calls = ended.filter((request) => request.method === 'tools/call');
    expect(calls.map((request) => [request.outcome, request.errorCode, request.refusal])).toEqual(
      Array(2).fill(['error', REFUSAL_ERROR_CODES.overloaded, { plugin: 'health', reason: 'overloaded' }]),
    );
    expect(ended.filter((request) => request.method === 'ping').map((request) => request.outcome)).toEqual([
      'ok',
    ]);
    // Many samples over the limit since: still one report.
    expect(diagnostics).toEqual([
      {
        code: CODES.loadSheddingStarted,
        plugin: 'health',
        message: expect.stringMatching(
          /^shedding load: heap used \d+ bytes is over 1 bytes; new requests are refused$/,
        ),
      },
    ]);
  });

  it('sheds on event-loop delay while it is over the limit, and stops when the loop is calm again', async () => {
    const { probes, http, client } = await serve({
      loadShedding: { ...ONLY.delay, maxEventLoopDelayMs: 60 },
    });
    await until(async () => (probes.overloaded ? undefined : true), 'a calm event loop');
    expect(await outcomeOf(client.callTool('echo', { text: 'calm' }))).toBe('served');
    const stop = overload(150);
    await until(async () => (probes.overloaded ? true : undefined), 'load shedding to start');
    const refused = await outcomeOf(client.callTool('echo', { text: 'hi' }));
    const readiness = await probe(`${http.baseUrl}/readyz?verbose`);
    stop();
    expect(refused).toEqual({
      code: REFUSAL_ERROR_CODES.overloaded,
      message: expect.stringContaining(OVERLOADED_MESSAGE),
      data: { reason: 'overloaded', retryAfterMs: 10_000 },
    });
    expect(readiness.body.checks?.['server:load']?.[0]?.output).toMatch(
      /^shedding load: mean event-loop delay [\d.]+ ms is over 60 ms$/,
    );
    await until(async () => (probes.overloaded ? undefined : true), 'load shedding to stop');
    expect(await outcomeOf(client.callTool('echo', { text: 'back' }))).toBe('served');
    expect((await probe(`${http.baseUrl}/readyz`)).status).toBe(200);
  });

  it('sheds on event-loop utilisation, and reports each episode once', async () => {
    const { probes, client, diagnostics } = await serve({
      loadShedding: { ...ONLY.utilization, maxEventLoopUtilization: 0.5 },
    });
    for (let episode = 1; episode <= 2; episode++) {
      await until(async () => (probes.overloaded ? undefined : true), 'a calm event loop');
      const stop = overload(150);
      await until(async () => (probes.overloaded ? true : undefined), 'load shedding to start');
      const refused = await outcomeOf(client.callTool('echo', { text: 'hi' }));
      stop();
      expect(refused).toMatchObject({ code: REFUSAL_ERROR_CODES.overloaded });
      expect(diagnostics.map((diagnostic) => diagnostic.message)).toEqual(
        Array(episode).fill(
          expect.stringMatching(
            /^shedding load: event-loop utilization [\d.]+ is over 0.5; new requests are refused$/,
          ),
        ),
      );
    }
  });

  it('never sheds on a threshold set to false, however overloaded', async () => {
    const { probes, client, http } = await serve({
      loadShedding: { maxEventLoopDelayMs: false, maxEventLoopUtilization: false, maxHeapUsedBytes: false },
    });
    overload(150);
    await until(
      async () => (probes.eventLoopDelayMs > 60 && probes.eventLoopUtilization > 0.5 ? true : undefined),
      'the event loop to be overloaded',
    );
    expect(await outcomeOf(client.callTool('echo', { text: 'hi' }))).toBe('served');
    expect(probes.overloaded).toBe(false);
    expect((await probe(`${http.baseUrl}/readyz?verbose`)).body.checks?.['server:load']?.[0]).toMatchObject({
      status: 'pass',
      observedValue: 'normal',
    });
  });

  it('does not shed load unless asked to', async () => {
    const { probes, client, http } = await serve({});
    overload(150);
    await until(async () => (probes.eventLoopDelayMs > 60 ? true : undefined), 'the event loop to lag');
    expect(await outcomeOf(client.callTool('echo', { text: 'hi' }))).toBe('served');
    expect(probes.overloaded).toBe(false);
    expect(Object.keys((await probe(`${http.baseUrl}/readyz?verbose`)).body.checks ?? {})).not.toContain(
      'server:load',
    );
  });
});

describe('loadShedding options', () => {
  it('takes every default threshold with true', async () => {
    const probes = health({ shutdown: false, requireConnection: false, loadShedding: true });
    cleanups.push(() => probes.dispose());
    expect((await probes.readiness()).checks?.['server:load']).toEqual([
      { componentType: 'system', observedValue: 'normal', status: 'pass', time: expect.any(String) },
    ]);
  });

  it.each([
    [
      { maxEventLoopDelayMs: 0 },
      'loadShedding.maxEventLoopDelayMs must be a positive number or false, got 0.',
    ],
    [
      { maxEventLoopUtilization: 1.5 },
      'loadShedding.maxEventLoopUtilization must be a number above 0 and at most 1 or false, got 1.5.',
    ],
    [{ maxHeapUsedBytes: -1 }, 'loadShedding.maxHeapUsedBytes must be a positive number or false, got -1.'],
  ] as const)('rejects %o', (loadShedding, message) => {
    expect(() => health({ shutdown: false, loadShedding })).toThrow(`health(): ${message}`);
  });
});

// Which samplers run for each option combination: the event-loop delay is measured only when its check
// or load shedding reads it, the loop is sampled at all only when something reads a sample, and load
// shedding on one measure works with the readiness checks of the others switched off.

const SAMPLE_MS = 50;
const NO_SHEDDING_THRESHOLDS = {
  maxEventLoopDelayMs: false,
  maxEventLoopUtilization: false,
  maxHeapUsedBytes: false,
} as const;

function start(options: HealthOptions): HealthPlugin {
  const probes = health({
    shutdown: false,
    requireConnection: false,
    sampleIntervalMs: SAMPLE_MS,
    ...options,
  });
  cleanups.push(() => probes.dispose());
  return probes;
}

/**
 * Overloads the loop until a reference with every sampler on has seen it. The reference is created
 * after the probes under test, with the same interval: their samples are taken just before its own, so
 * by then they have sampled the overloaded loop too (if they sample it at all).
 */
async function overloadUntilSampled(): Promise<void> {
  const reference = start({});
  overload(150);
  await waitFor(
    () => reference.eventLoopDelayMs > 60 && reference.eventLoopUtilization > 0.5,
    'the reference to sample an overloaded event loop',
    20_000,
  );
}

describe('the event-loop delay', () => {
  it('is not measured with eventLoopDelay false and no load shedding', async () => {
    const probes = start({ eventLoopDelay: false });
    await overloadUntilSampled();
    expect(probes.eventLoopDelayMs).toBe(0);
    expect(Object.keys((await probes.readiness()).checks ?? {})).not.toContain('eventloop:delay');
  });

  it('is not measured with eventLoopDelay false and load shedding that ignores it', async () => {
    const probes = start({ eventLoopDelay: false, loadShedding: NO_SHEDDING_THRESHOLDS });
    await overloadUntilSampled();
    expect(probes.eventLoopDelayMs).toBe(0);
    expect(probes.overloaded).toBe(false);
  });

  it('is measured for load shedding on delay even with eventLoopDelay false', async () => {
    const probes = start({
      eventLoopDelay: false,
      loadShedding: { ...NO_SHEDDING_THRESHOLDS, maxEventLoopDelayMs: 60 },
    });
    overload(150);
    await waitFor(() => probes.overloaded, 'load shedding on the event-loop delay', 20_000);
    const load = (await probes.readiness()).checks?.['server:load']?.[0];
    expect(load?.output).toMatch(/^shedding load: mean event-loop delay [\d.]+ ms is over 60 ms$/);
  });
});

describe('the sampler', () => {
  it('does not run when nothing reads a sample', async () => {
    const probes = start({ eventLoopDelay: false, eventLoopUtilization: false });
    await overloadUntilSampled();
    expect([probes.eventLoopDelayMs, probes.eventLoopUtilization]).toEqual([0, 0]);
    expect(probes.overloaded).toBe(false);
    expect(() => probes.dispose()).not.toThrow();
  });

  it('runs for load shedding on the heap alone, with both event-loop checks off', async () => {
    const probes = start({
      eventLoopDelay: false,
      eventLoopUtilization: false,
      loadShedding: { ...NO_SHEDDING_THRESHOLDS, maxHeapUsedBytes: 1 },
    });
    await waitFor(() => probes.overloaded, 'load shedding on the heap', 20_000);
    const load = (await probes.readiness()).checks?.['server:load']?.[0];
    expect(load?.output).toMatch(/^shedding load: heap used \d+ bytes is over 1 bytes$/);
    expect(probes.eventLoopDelayMs).toBe(0);
  });
});

it('reports a load-shedding episode once, however many samples it lasts', async () => {
  const diagnostics: Diagnostic[] = [];
  const probes = start({ loadShedding: { ...NO_SHEDDING_THRESHOLDS, maxHeapUsedBytes: 1 } });
  const server = observe(createExampleServer({ sdk: 'v1' }), {
    onDiagnostic: (diagnostic) => void diagnostics.push(diagnostic),
  }).use(probes);
  cleanups.push(() => void server); // holds the server, the diagnostics' receiver, until the end
  // Each sample says the heap it saw: three different readings are three samples of one episode.
  const readings = new Set<string>();
  await waitFor(
    async () => {
      const output = (await probes.readiness()).checks?.['server:load']?.[0]?.output;
      if (output?.startsWith('shedding load: ')) readings.add(output);
      return readings.size >= 3;
    },
    'three samples over the limit',
    20_000,
  );
  expect(diagnostics).toEqual([
    {
      code: CODES.loadSheddingStarted,
      plugin: 'health',
      message: expect.stringMatching(
        /^shedding load: heap used \d+ bytes is over 1 bytes; new requests are refused$/,
      ),
    },
  ]);
});
