import { type McpscopePlugin, nodeHandler, observe } from '@mcpscope/core';
import { connectHttp, createExampleServer, SDK_VERSIONS, startHttpServer } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, until } from '../test/probe.js';
import { DRAINING_ERROR_CODE, DRAINING_MESSAGE, health } from './index.js';
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

describe.each(SDK_VERSIONS)('SDK %s: shutdown() without exiting', (sdk) => {
  async function start(shutdown: ShutdownOptions) {
    const lines: string[] = [];
    const probes = health({
      shutdown: { signals: [], stdin: false, exit: false, ...shutdown },
      log: (line) => void lines.push(line),
    });
    cleanups.push(() => probes.dispose());
    let flushes = 0;
    const flushed: McpscopePlugin = { name: 'flushed', close: () => void flushes++ };
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(createExampleServer({ sdk })).use(probes, flushed),
      routes: nodeHandler([probes]),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close().catch(() => undefined));
    return { probes, http, client, lines, flushes: () => flushes };
  }

  it('turns readiness 503 at once, refuses new requests after the delay, lets in-flight ones finish', async () => {
    const { probes, http, client, lines, flushes } = await start({ delayMs: 300, timeoutMs: 20_000 });
    const slow = Array.from({ length: 5 }, () => client.callTool('slow', { ms: 1_500 }));
    await until(async () => {
      const answer = await probe(`${http.baseUrl}/readyz?verbose`);
      return answer.body.checks?.['requests:inFlight']?.[0]?.observedValue === 5 ? true : undefined;
    }, 'five requests in flight');

    const draining = probes.shutdown();
    expect(probes.draining).toBe(true);
    const readiness = await probe(`${http.baseUrl}/readyz?verbose`);
    expect(readiness.status).toBe(503);
    expect(readiness.body.output).toBe('draining');
    expect(readiness.body.checks?.['server:lifecycle']?.[0]).toMatchObject({
      status: 'fail',
      observedValue: 'draining',
      output: 'shutting down (manual)',
    });
    expect((await probe(`${http.baseUrl}/livez`)).status).toBe(200);

    const refused = await until(
      () =>
        client.callTool('echo', { text: 'late' }).then(
          () => undefined,
          (error: unknown) => error as RpcError,
        ),
      'new requests to be refused',
    );
    expect(refused.code).toBe(DRAINING_ERROR_CODE);
    expect(refused.message).toContain(DRAINING_MESSAGE);
    expect(refused.data).toEqual({ reason: 'draining' });

    const results = await Promise.all(slow);
    expect(results.map((result) => (result.content as { text: string }[])[0]?.text)).toEqual(
      Array(5).fill('slept 1500'),
    );
    const result = await draining;
    expect(result).toMatchObject({ trigger: 'manual', exitCode: 0, timedOut: false, unfinished: 0 });
    expect(flushes()).toBeGreaterThan(0);
    expect(await probes.shutdown()).toBe(result);
    expect(lines).toEqual([
      '[mcpscope/health] shutdown() called: draining (readiness 503; new requests refused in 300 ms; ' +
        '5 in flight get up to 20000 ms)',
      '[mcpscope/health] no request in flight; closing',
    ]);
  });

  it('reports exit code 1 when the timeout cuts in-flight work off', async () => {
    const { probes, http, client, flushes } = await start({ delayMs: 0, timeoutMs: 200 });
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
    expect(flushes()).toBeGreaterThan(0);
    await client.close();
    expect(await Promise.all(slow)).toEqual(['failed', 'failed', 'failed']);
  });

  it('flushes the plugins of servers observed with closePlugins: false (servers built per request)', async () => {
    const probes = health({ shutdown: { signals: [], stdin: false, exit: false }, log: () => undefined });
    cleanups.push(() => probes.dispose());
    let flushes = 0;
    const flushed: McpscopePlugin = { name: 'flushed', close: () => void flushes++ };
    const http = await startHttpServer({
      sdk,
      mode: 'stateless',
      createServer: () => observe(createExampleServer({ sdk }), { closePlugins: false }).use(probes, flushed),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close().catch(() => undefined));
    await client.callTool('echo', { text: 'x' });
    expect(flushes).toBe(0);
    expect((await probes.shutdown()).exitCode).toBe(0);
    expect(flushes).toBe(1);
  });

  it('runs onShutdown after the servers closed, with the result', async () => {
    const seen: unknown[] = [];
    const { probes } = await start({
      delayMs: 0,
      timeoutMs: 1_000,
      onShutdown: (result) => void seen.push(result),
    });
    const result = await probes.shutdown();
    expect(seen).toEqual([result]);
    expect(result.exitCode).toBe(0);
  });
});
