/**
 * SIGTERM on a real HTTP server in a child process: 50 slow requests in flight all complete, new
 * requests are refused with the draining error, readiness answers 503, the process exits 0.
 */
import { connectHttp, type HttpMode, SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { killFixtures, spawnFixture } from '../test/child.js';
import { lastOutcomes } from '../test/outcome-recorder.js';
import { observed, probe, until } from '../test/probe.js';
import { DRAINING_ERROR_CODE, DRAINING_MESSAGE } from './index.js';

const DELAY_MS = 300;
const TIMEOUT_MS = 20_000;
const SLOW_MS = 5_000;
const IN_FLIGHT = 50;

afterEach(() => killFixtures());

interface RpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

describe.each(SDK_VERSIONS)('SDK %s over HTTP', (sdk) => {
  const modes: HttpMode[] = sdk === 'v1' ? ['stateful', 'stateless'] : ['stateful', 'handler'];

  it.each(modes)('drains on SIGTERM (%s)', { timeout: 60_000 }, async (mode) => {
    const child = spawnFixture('http-server.ts', [sdk, mode], {
      DELAY_MS: String(DELAY_MS),
      TIMEOUT_MS: String(TIMEOUT_MS),
    });
    const [, baseUrl] = await child.waitForStderr(/LISTENING (\S+)\n/);
    const client = await connectHttp(sdk, new URL(`${baseUrl}/mcp`));
    let settled = 0;
    const slow = Array.from({ length: IN_FLIGHT }, () =>
      client.callTool('slow', { ms: SLOW_MS }, { timeout: 60_000 }).finally(() => void settled++),
    );
    await until(async () => {
      const answer = await probe(`${baseUrl}/readyz?verbose`);
      return observed(answer.body, 'requests:inFlight') === IN_FLIGHT ? answer : undefined;
    }, `${IN_FLIGHT} requests in flight`);

    const signalled = Date.now();
    child.process.kill('SIGTERM');
    const unready = await until(async () => {
      const answer = await probe(`${baseUrl}/readyz`);
      return answer.status === 503 ? answer : undefined;
    }, 'readiness to answer 503');
    expect(unready.body).toMatchObject({ status: 'fail', output: 'draining' });
    expect((await probe(`${baseUrl}/livez`)).status).toBe(200);

    const refused = await until(
      () =>
        client.callTool('echo', { text: 'late' }).then(
          () => undefined,
          (error: unknown) => error as RpcError,
        ),
      'new requests to be refused',
    );
    expect(settled).toBe(0);
    expect(refused.code).toBe(DRAINING_ERROR_CODE);
    expect(refused.message).toContain(DRAINING_MESSAGE);
    expect(refused.data).toEqual({ reason: 'draining' });
    expect((await probe(`${baseUrl}/readyz`)).status).toBe(503);

    const results = await Promise.all(slow);
    expect(results.filter((result) => result.isError !== true)).toHaveLength(IN_FLIGHT);
    expect(new Set(results.map((result) => (result.content as { text: string }[])[0]?.text))).toEqual(
      new Set([`slept ${SLOW_MS}`]),
    );

    const exit = await child.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(DELAY_MS + TIMEOUT_MS);
    const outcomes = lastOutcomes(child.stderr());
    expect(outcomes?.['tools/call slow ok']).toBe(IN_FLIGHT);
    expect(outcomes?.['tools/call echo error refused:draining']).toBeGreaterThanOrEqual(1);
    expect(child.stderr()).toContain('SIGTERM received: draining');
    expect(child.stderr()).toContain('exiting with code 0');
    await client.close().catch(() => undefined);
  });

  it('exits 1 when the drain timeout cuts work off', { timeout: 60_000 }, async () => {
    const child = spawnFixture('http-server.ts', [sdk, 'stateful'], { DELAY_MS: '0', TIMEOUT_MS: '500' });
    const [, baseUrl] = await child.waitForStderr(/LISTENING (\S+)\n/);
    const client = await connectHttp(sdk, new URL(`${baseUrl}/mcp`));
    const slow = Array.from({ length: 5 }, () =>
      client.callTool('slow', { ms: 60_000 }, { timeout: 120_000 }).then(
        () => 'answered',
        () => 'failed',
      ),
    );
    await until(async () => {
      const answer = await probe(`${baseUrl}/readyz?verbose`);
      return observed(answer.body, 'requests:inFlight') === 5 ? true : undefined;
    }, 'five requests in flight');
    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.stderr()).toContain('5 requests still in flight; closing anyway');
    expect(lastOutcomes(child.stderr())?.['tools/call slow closed']).toBe(5);
    await client.close().catch(() => undefined);
    expect(await Promise.all(slow)).toEqual(Array(5).fill('failed'));
  });

  it('a second signal stops waiting and exits 1 at once', { timeout: 60_000 }, async () => {
    const child = spawnFixture('http-server.ts', [sdk, 'stateful'], { DELAY_MS: '0', TIMEOUT_MS: '60000' });
    const [, baseUrl] = await child.waitForStderr(/LISTENING (\S+)\n/);
    const client = await connectHttp(sdk, new URL(`${baseUrl}/mcp`));
    const slow = client.callTool('slow', { ms: 60_000 }, { timeout: 120_000 }).catch(() => 'failed');
    await until(async () => {
      const answer = await probe(`${baseUrl}/readyz?verbose`);
      return observed(answer.body, 'requests:inFlight') === 1 ? true : undefined;
    }, 'one request in flight');
    child.process.kill('SIGTERM');
    await child.waitForStderr(/SIGTERM received: draining/);
    child.process.kill('SIGINT');
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.stderr()).toContain('SIGINT received again: closing without waiting');
    await client.close().catch(() => undefined);
    expect(await slow).toBe('failed');
  });
});
