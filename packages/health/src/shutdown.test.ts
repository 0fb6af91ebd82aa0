import {
  type Diagnostic,
  type McpscopePlugin,
  nodeHandler,
  observe,
  REFUSAL_ERROR_CODES,
} from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  startHttpServer,
  waitFor,
} from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, until } from '../test/probe.js';
import { HEALTH_DIAGNOSTIC_CODES as CODES, health } from './index.js';
import { DRAINING_MESSAGE } from './refusals.js';
import type { ShutdownOptions } from './types.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface RpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

const refusalOf = (call: Promise<unknown>): Promise<RpcError | 'served'> =>
  call.then(
    () => 'served' as const,
    ({ code, message, data }: RpcError) => ({ code, message, data }),
  );

/** Diagnostics as they arrive, with the time each arrived: the plugin's own account of the drain. */
function diagnosticLog() {
  const seen: { readonly diagnostic: Diagnostic; readonly at: number }[] = [];
  const receive = (diagnostic: Diagnostic): void => void seen.push({ diagnostic, at: performance.now() });
  const at = (code: string) => seen.find((entry) => entry.diagnostic.code === code)?.at;
  return { seen, receive, at, codes: () => seen.map((entry) => entry.diagnostic.code) };
}

describe.each(SDK_VERSIONS)('SDK %s: shutdown() without exiting', (sdk) => {
  async function start(shutdown: ShutdownOptions) {
    const diagnostics = diagnosticLog();
    const probes = health({ shutdown: { signals: [], stdin: false, exit: false, ...shutdown } });
    cleanups.push(() => probes.dispose());
    let flushes = 0;
    const flushed: McpscopePlugin = { name: 'flushed', close: () => void flushes++ };
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () =>
        observe(createExampleServer({ sdk }), { onDiagnostic: diagnostics.receive }).use(probes, flushed),
      routes: nodeHandler([probes]),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close().catch(() => undefined));
    return { probes, http, client, diagnostics, flushes: () => flushes };
  }

  it('turns readiness 503 at once, serves requests during the delay, refuses them after it, lets in-flight ones finish', async () => {
    const DELAY_MS = 1_000;
    const { probes, http, client, diagnostics, flushes } = await start({
      delayMs: DELAY_MS,
      timeoutMs: 20_000,
    });
    const slow = Array.from({ length: 5 }, () => client.callTool('slow', { ms: 2_500 }));
    await until(async () => {
      const answer = await probe(`${http.baseUrl}/readyz?verbose`);
      return answer.body.checks?.['requests:inFlight']?.[0]?.observedValue === 5 ? true : undefined;
    }, 'five requests in flight');

    const draining = probes.shutdown();
    expect(probes.draining).toBe(true);
    expect(diagnostics.codes()).toEqual([CODES.drainStarted]);
    // Sent during the delay: served, because the plugin had not started refusing when it was answered.
    const duringDelay = await refusalOf(client.callTool('echo', { text: 'during the delay' }));
    const answeredAt = performance.now();
    const readiness = await probe(`${http.baseUrl}/readyz?verbose`);
    expect(readiness.status).toBe(503);
    expect(readiness.body.output).toBe('draining');
    expect(readiness.body.checks?.['server:lifecycle']?.[0]).toMatchObject({
      status: 'fail',
      observedValue: 'draining',
      output: 'shutting down (manual)',
    });
    expect((await probe(`${http.baseUrl}/livez`)).status).toBe(200);

    // Sent once the plugin says it refuses: refused.
    await waitFor(() => diagnostics.at(CODES.drainRefusing) !== undefined, 'the delay to end', DELAY_MS * 10);
    const afterDelay = await refusalOf(client.callTool('echo', { text: 'after the delay' }));
    expect(diagnostics.at(CODES.drainRefusing)!).toBeGreaterThan(answeredAt);
    expect(duringDelay).toBe('served');
    expect(diagnostics.at(CODES.drainRefusing)! - diagnostics.at(CODES.drainStarted)!).toBeGreaterThanOrEqual(
      DELAY_MS,
    );
    expect(afterDelay).toEqual({
      code: REFUSAL_ERROR_CODES.draining,
      message: expect.stringContaining(DRAINING_MESSAGE),
      data: { reason: 'draining' },
    });

    const results = await Promise.all(slow);
    expect(results.map((result) => (result.content as { text: string }[])[0]?.text)).toEqual(
      Array(5).fill('slept 2500'),
    );
    const result = await draining;
    expect(result).toMatchObject({ trigger: 'manual', exitCode: 0, timedOut: false, unfinished: 0 });
    // Once as the server closed, once more by the drain (for servers observed with closePlugins: false).
    expect(flushes()).toBe(2);
    expect(await probes.shutdown()).toBe(result);
    expect(
      diagnostics.seen.map(({ diagnostic }) => [diagnostic.code, diagnostic.plugin, diagnostic.message]),
    ).toEqual([
      [
        CODES.drainStarted,
        'health',
        `shutdown() called: draining (readiness 503; new requests refused in ${DELAY_MS} ms; 5 in flight get up to 20000 ms)`,
      ],
      [
        CODES.drainRefusing,
        'health',
        `${DELAY_MS} ms passed: new requests refused; 5 in flight get up to 20000 ms`,
      ],
      [
        CODES.drainFinished,
        'health',
        `drained in ${result.durationMs} ms (every request finished); exit code 0`,
      ],
    ]);
  });

  it('refuses new requests at once without a delay, but never ping', async () => {
    const { probes, http, client, diagnostics } = await start({ delayMs: 0, timeoutMs: 20_000 });
    const slow = client.callTool('slow', { ms: 1_000 });
    await until(async () => {
      const answer = await probe(`${http.baseUrl}/readyz?verbose`);
      return answer.body.checks?.['requests:inFlight']?.[0]?.observedValue === 1 ? true : undefined;
    }, 'one request in flight');
    const draining = probes.shutdown();
    expect(await refusalOf(client.callTool('echo', { text: 'x' }))).toEqual({
      code: REFUSAL_ERROR_CODES.draining,
      message: expect.stringContaining(DRAINING_MESSAGE),
      data: { reason: 'draining' },
    });
    // ping tells the client the server is alive.
    expect(await refusalOf(client.request('ping'))).toBe('served');
    expect(await refusalOf(slow)).toBe('served');
    await draining;
    expect(diagnostics.codes()).toEqual([CODES.drainStarted, CODES.drainFinished]);
  });

  it('reports exit code 1 when the timeout cuts in-flight work off', async () => {
    const { probes, http, client, flushes, diagnostics } = await start({ delayMs: 0, timeoutMs: 200 });
    const slow = Array.from({ length: 3 }, () =>
      client.callTool('slow', { ms: 30_000 }).then(
        () => 'answered',
        () => 'failed',
      ),
    );
    await until(async () => {
      const answer = await probe(`${http.baseUrl}/readyz?verbose`);
      return answer.body.checks?.['requests:inFlight']?.[0]?.observedValue === 3 ? true : undefined;
    }, 'three requests in flight');
    const result = await probes.shutdown();
    expect(result).toMatchObject({ trigger: 'manual', exitCode: 1, timedOut: true, unfinished: 3 });
    expect(flushes()).toBe(2);
    expect(diagnostics.seen.slice(1).map(({ diagnostic }) => diagnostic.message)).toEqual([
      '3 requests still in flight; closing anyway',
      `drained in ${result.durationMs} ms (3 requests cut off); exit code 1`,
    ]);
    await client.close();
    expect(await Promise.all(slow)).toEqual(['failed', 'failed', 'failed']);
  });

  it('flushes the plugins of servers observed with closePlugins: false (servers built per request)', async () => {
    const probes = health({ shutdown: { signals: [], stdin: false, exit: false } });
    cleanups.push(() => probes.dispose());
    let flushes = 0;
    const flushed: McpscopePlugin = { name: 'flushed', close: () => void flushes++ };
    // The servers of past requests, still alive here: the drain flushes through the last one.
    const servers: object[] = [];
    const http = await startHttpServer({
      sdk,
      mode: 'stateless',
      createServer: () => {
        const server = observe(createExampleServer({ sdk }), {
          closePlugins: false,
          onDiagnostic: () => undefined,
        });
        servers.push(server);
        return server.use(probes, flushed);
      },
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close().catch(() => undefined));
    await client.callTool('echo', { text: 'x' });
    expect(flushes).toBe(0);
    expect((await probes.shutdown()).exitCode).toBe(0);
    expect(flushes).toBe(1);
  });

  it('runs onShutdown after the servers closed, with the result; one that throws is reported once', async () => {
    const seen: unknown[] = [];
    const { probes, diagnostics } = await start({
      delayMs: 0,
      timeoutMs: 1_000,
      onShutdown: (result) => {
        seen.push(result);
        throw new Error('pool already closed');
      },
    });
    const result = await probes.shutdown();
    expect(seen).toEqual([result]);
    expect(result.exitCode).toBe(0);
    expect(diagnostics.seen.map(({ diagnostic }) => diagnostic)).toContainEqual({
      code: CODES.hookFailed,
      plugin: 'health',
      hook: 'shutdown.onShutdown',
      message: 'onShutdown threw; the drain went on',
      error: new Error('pool already closed'),
    });
    expect(diagnostics.codes()).toEqual([CODES.drainStarted, CODES.hookFailed, CODES.drainFinished]);
  });
});

it('waits onShutdown out for closeTimeoutMs at most, and says so', async () => {
  const diagnostics = diagnosticLog();
  const probes = health({
    shutdown: {
      signals: [],
      stdin: false,
      exit: false,
      closeTimeoutMs: 100,
      onShutdown: () => new Promise(() => undefined),
    },
  });
  cleanups.push(() => probes.dispose());
  const server = observe(createExampleServer({ sdk: 'v1' }), { onDiagnostic: diagnostics.receive }).use(
    probes,
  );
  const client = await connectInMemory(server, 'v1');
  cleanups.push(() => client.close());
  const result = await probes.shutdown();
  expect(result.exitCode).toBe(0);
  expect(diagnostics.seen.map(({ diagnostic }) => diagnostic)).toContainEqual({
    code: CODES.closeTimeout,
    plugin: 'health',
    hook: 'shutdown.onShutdown',
    message: 'onShutdown did not finish within 100 ms',
  });
});
