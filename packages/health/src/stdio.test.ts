/**
 * A real stdio server in a child process, probed on core's side listener: SIGTERM and the parent
 * closing stdin both start the drain.
 */

import { REFUSAL_ERROR_CODES } from '@mcpscope/core';
import { SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { type FixtureChild, killFixtures, StdioPeer, spawnFixture } from '../test/child.js';
import { lastOutcomes } from '../test/outcome-recorder.js';
import { observed, probe, until } from '../test/probe.js';
import { HEALTH_DIAGNOSTIC_CODES as CODES } from './index.js';
import { DRAINING_MESSAGE } from './refusals.js';

const DELAY_MS = 2_000;
const TIMEOUT_MS = 20_000;
const SLOW_MS = 5_000;
const IN_FLIGHT = 50;

afterEach(() => killFixtures());

async function startWithRequestsInFlight(sdk: string) {
  const child: FixtureChild = spawnFixture('stdio-server.ts', [sdk], {
    DELAY_MS: String(DELAY_MS),
    TIMEOUT_MS: String(TIMEOUT_MS),
  });
  const [, url] = await child.waitForStderr(/LISTENING (\S+)\n/);
  const peer = new StdioPeer(child.process);
  await peer.initialize();
  let answered = 0;
  const slow = Array.from({ length: IN_FLIGHT }, () =>
    peer.request('tools/call', { name: 'slow', arguments: { ms: SLOW_MS } }).finally(() => void answered++),
  );
  await until(async () => {
    const answer = await probe(`${url}/readyz?verbose`);
    return observed(answer.body, 'requests:inFlight') === IN_FLIGHT ? true : undefined;
  }, `${IN_FLIGHT} requests in flight`);
  return { child, url: url!, peer, slow, answered: () => answered };
}

function untilUnready(url: string) {
  return until(async () => {
    const answer = await probe(`${url}/readyz`);
    return answer.status === 503 ? answer : undefined;
  }, 'readiness to answer 503');
}

describe.each(SDK_VERSIONS)('SDK %s over stdio', (sdk) => {
  it('drains on SIGTERM: served during the delay, refused after it, nothing but JSON-RPC on stdout', {
    timeout: 60_000,
  }, async () => {
    const { child, url, peer, slow, answered } = await startWithRequestsInFlight(sdk);
    child.process.kill('SIGTERM');
    await child.waitForStderr(new RegExp(CODES.drainStarted));
    expect((await probe(`${url}/readyz`)).body).toMatchObject({ status: 'fail', output: 'draining' });

    const during = await peer.request('tools/call', { name: 'echo', arguments: { text: 'during' } });
    expect(child.stderr()).not.toContain(CODES.drainRefusing);
    expect(during.result).toEqual({ content: [{ type: 'text', text: 'during' }] });
    await child.waitForStderr(new RegExp(CODES.drainRefusing));
    const refused = await peer.request('tools/call', { name: 'echo', arguments: { text: 'late' } });
    expect(answered()).toBe(0);
    expect(refused.error).toEqual({
      code: REFUSAL_ERROR_CODES.draining,
      message: DRAINING_MESSAGE,
      data: { reason: 'draining' },
    });

    const results = await Promise.all(slow);
    expect(
      results.filter((result) => result.result?.isError !== true && result.error === undefined),
    ).toHaveLength(IN_FLIGHT);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(lastOutcomes(child.stderr())?.['tools/call slow ok']).toBe(IN_FLIGHT);
    expect(peer.foreignLines()).toEqual([]);
  });

  if (sdk === 'v1') {
    it('drains when the parent closes stdin: in-flight requests finish and are answered', {
      timeout: 60_000,
    }, async () => {
      const { child, url, peer, slow, answered } = await startWithRequestsInFlight(sdk);
      child.process.stdin.end();
      expect((await untilUnready(url)).body).toMatchObject({ status: 'fail', output: 'draining' });
      expect(answered()).toBe(0);
      const results = await Promise.all(slow);
      expect(
        results.filter((result) => result.result?.isError !== true && result.error === undefined),
      ).toHaveLength(IN_FLIGHT);
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(child.stderr()).toContain(
        `[mcpscope] health: stdin closed: draining (readiness 503; new requests refused now; ${IN_FLIGHT} in flight`,
      );
      expect(lastOutcomes(child.stderr())?.['tools/call slow ok']).toBe(IN_FLIGHT);
      expect(peer.foreignLines()).toEqual([]);
    });
  } else {
    // SDK v2's StdioServerTransport closes itself when stdin ends and aborts the requests in flight
    // (documented SDK behaviour: a client that wants answers keeps stdin open). The drain still runs:
    // plugins are flushed and the process exits 0 instead of lingering.
    it('drains when the parent closes stdin: the SDK has already aborted in-flight requests', {
      timeout: 60_000,
    }, async () => {
      const { child, peer } = await startWithRequestsInFlight(sdk);
      child.process.stdin.end();
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(child.stderr()).toContain(`[mcpscope] health: stdin closed: draining (`);
      expect(peer.unanswered).toBe(IN_FLIGHT);
      expect(lastOutcomes(child.stderr())?.['tools/call slow closed']).toBe(IN_FLIGHT);
      expect(peer.foreignLines()).toEqual([]);
    });
  }
});
