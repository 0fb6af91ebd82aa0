/**
 * SIGTERM on a real HTTP server in a child process: 50 slow requests in flight all complete, new
 * requests are refused with the draining error, readiness answers 503, the process exits 0.
 */

import { REFUSAL_ERROR_CODES } from '@mcpscope/core';
import { connectHttp, type HttpMode, SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { killFixtures, spawnFixture } from '../test/child.js';
import { lastOutcomes } from '../test/outcome-recorder.js';
import { observed, probe, until } from '../test/probe.js';
import { HEALTH_DIAGNOSTIC_CODES as CODES } from './index.js';
import { DRAINING_MESSAGE } from './refusals.js';

const DELAY_MS = 2_000;
const TIMEOUT_MS = 20_000;
const SLOW_MS = 5_000;
const IN_FLIGHT = 50;

afterEach(() => killFixtures());

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

/** The plugin's own lines on a child's stderr. */
function healthLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('[mcpscope] health:'));
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

    child.process.kill('SIGTERM');
    await child.waitForStderr(new RegExp(CODES.drainStarted));
    const unready = await probe(`${baseUrl}/readyz`);
    expect(unready.status).toBe(503);
    expect(unready.body).toMatchObject({ status: 'fail', output: 'draining' });
    expect((await probe(`${baseUrl}/livez`)).status).toBe(200);

    // During the delay (the plugin has not said it refuses yet): served.
    const during = await outcomeOf(client.callTool('echo', { text: 'during the delay' }));
    expect(child.stderr()).not.toContain(CODES.drainRefusing);
    expect(during).toBe('served');
    // Once the plugin says it refuses: refused.
    await child.waitForStderr(new RegExp(CODES.drainRefusing));
    const refused = await outcomeOf(client.callTool('echo', { text: 'after the delay' }));
    expect(settled).toBe(0);
    expect(refused).toEqual({
      code: REFUSAL_ERROR_CODES.draining,
      message: expect.stringContaining(DRAINING_MESSAGE),
      data: { reason: 'draining' },
    });
    expect((await probe(`${baseUrl}/readyz`)).status).toBe(503);

    const results = await Promise.all(slow);
    expect(results.filter((result) => result.isError !== true)).toHaveLength(IN_FLIGHT);
    expect(new Set(results.map((result) => (result.content as { text: string }[])[0]?.text))).toEqual(
      new Set([`slept ${SLOW_MS}`]),
    );

    const exit = await child.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const outcomes = lastOutcomes(child.stderr());
    expect(outcomes?.['tools/call slow ok']).toBe(IN_FLIGHT);
    expect(outcomes?.['tools/call echo ok']).toBe(1);
    expect(outcomes?.['tools/call echo error refused:draining']).toBe(1);
    expect(healthLines(child.stderr())).toEqual([
      `[mcpscope] health: SIGTERM received: draining (readiness 503; new requests refused in ${DELAY_MS} ms; ` +
        `${IN_FLIGHT} in flight get up to ${TIMEOUT_MS} ms) (${CODES.drainStarted})`,
      `[mcpscope] health: ${DELAY_MS} ms passed: new requests refused; ${IN_FLIGHT} in flight get up to ` +
        `${TIMEOUT_MS} ms (${CODES.drainRefusing})`,
      expect.stringMatching(
        new RegExp(
          `^\\[mcpscope\\] health: drained in \\d+ ms \\(every request finished\\); exiting with code 0 \\(${CODES.drainFinished}\\)$`,
        ),
      ),
    ]);
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
    expect(child.stderr()).toContain(
      `[mcpscope] health: 5 requests still in flight; closing anyway (${CODES.drainTimedOut})`,
    );
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
    await child.waitForStderr(new RegExp(CODES.drainStarted));
    child.process.kill('SIGINT');
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.stderr()).toContain(
      `[mcpscope] health: SIGINT received again: closing without waiting (${CODES.drainHurried})`,
    );
    await client.close().catch(() => undefined);
    expect(await slow).toBe('failed');
  });
});
