import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../test/manual-clock.js';
import { countOutcomes, echoCalls, type Observed, observed, outcomeOf } from '../test/observed.js';
import { RATE_LIMIT_DIAGNOSTIC_CODES as CODES } from './diagnostic-codes.js';
import { memoryStore } from './memory-store.js';
import { rateLimit } from './rate-limit.js';
import type { RateLimitOptions, RateLimitRefusalEvent, RateLimitStore, StoreRefusal } from './types.js';

interface Settle {
  resolve(verdict: StoreRefusal | undefined): void;
  reject(error: unknown): void;
}

describe.each(SDK_VERSIONS)('rateLimit over SDK %s', (sdk) => {
  let scene: Observed | undefined;
  const setUp = (options: RateLimitOptions) => {
    const limiter = rateLimit(options);
    scene = observed(sdk, limiter);
    return { limiter, scene };
  };
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
  });

  const bursts = [
    {
      algorithm: 'token-bucket',
      client: { limit: 10, windowMs: 1_000, burst: 5 },
      first: 5,
      advanceMs: 250,
      second: 2,
    },
    {
      algorithm: 'fixed-window',
      client: { limit: 5, windowMs: 1_000 },
      first: 5,
      advanceMs: 1_000,
      second: 5,
    },
    // Half-way into the next window the previous 5 still weigh 2.5: 2 more pass.
    {
      algorithm: 'sliding-window',
      client: { limit: 5, windowMs: 1_000 },
      first: 5,
      advanceMs: 1_500,
      second: 2,
    },
  ] as const;

  for (const { algorithm, client, first, advanceMs, second } of bursts) {
    it(`${algorithm}: a burst of 8 gets exactly ${first} through, ${second} more after ${advanceMs} ms`, async () => {
      const clock = new ManualClock();
      const { limiter, scene } = setUp({ algorithm, client, clock });
      const connection = await scene.connect();
      expect(await countOutcomes(echoCalls(connection, 8))).toEqual({ ok: first, refused: 8 - first });
      clock.advance(advanceMs);
      expect(await countOutcomes(echoCalls(connection, 8))).toEqual({ ok: second, refused: 8 - second });
      expect(scene.calls.count('tool:echo')).toBe(first + second);
      expect(limiter.stats()).toMatchObject({
        allowed: first + second,
        refused: 16 - first - second,
        refusedByScope: { client: 16 - first - second, global: 0, tool: 0, method: 0 },
      });
    });
  }

  it('answers with -32029 and when to retry; every plugin sees the refusal as the outcome', async () => {
    const clock = new ManualClock();
    const events: RateLimitRefusalEvent[] = [];
    const { scene } = setUp({
      client: { limit: 2, windowMs: 60_000 },
      clock,
      onRefusal: (event) => void events.push(event),
    });
    const connection = await scene.connect();
    await connection.callTool('echo', { text: 'a' });
    await connection.callTool('echo', { text: 'b' });
    clock.advance(10_000);
    const refused = await outcomeOf(connection.callTool('echo', { text: 'c' }));
    expect(refused).toEqual({
      code: -32029,
      message: expect.stringContaining('Rate limit exceeded (client): retry after 20000 ms'),
      data: { reason: 'rate_limited', scope: 'client', limit: 2, windowMs: 60_000, retryAfterMs: 20_000 },
    });
    await scene.settled();
    const calls = scene.ended.filter((request) => request.method === 'tools/call');
    expect(calls.map((request) => request.outcome)).toEqual(['ok', 'ok', 'error']);
    expect(calls[2]).toMatchObject({
      errorCode: -32029,
      errorType: '-32029',
      refusal: { plugin: 'rate-limit', reason: 'rate_limited', scope: 'client' },
    });
    expect(scene.calls.count('tool:echo')).toBe(2);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: 'rate_limited', scope: 'client', retryAfterMs: 20_000 });
    expect(events[0]!.request).toBe(calls[2]);
  });

  it('keeps per-tool and per-client limits apart', async () => {
    const { scene } = setUp({
      key: 'client-name',
      client: { limit: 5 },
      tools: { add: { limit: 2 } },
      clock: new ManualClock(),
    });
    const alpha = await scene.connect({ name: 'alpha' });
    const beta = await scene.connect({ name: 'beta' });
    // alpha: 2 adds pass, the third is refused by the tool's rule (and not counted by the client rule).
    expect(await countOutcomes(echoCalls(alpha, 3, 'add'))).toEqual({ ok: 2, refused: 1 });
    // Other tools are untouched by add's limit; alpha's client budget has 3 left.
    expect(await countOutcomes(echoCalls(alpha, 4))).toEqual({ ok: 3, refused: 1 });
    // beta has its own budgets, whole.
    expect(await countOutcomes(echoCalls(beta, 3, 'add'))).toEqual({ ok: 2, refused: 1 });
    expect(await countOutcomes(echoCalls(beta, 3))).toEqual({ ok: 3, refused: 0 });
    await scene.settled();
    const scopes = scene.ended.filter((request) => request.refusal).map((request) => request.refusal?.scope);
    expect(scopes).toEqual(['tool', 'client', 'tool']);
    // Both rules refuse now; the tool's, which frees up later (30 s against 12 s), is named.
    expect(await outcomeOf(alpha.callTool('add', { a: 1, b: 1 }))).toMatchObject({
      data: { scope: 'tool', tool: 'add', limit: 2, retryAfterMs: 30_000 },
    });
  });

  it('shares a tool limit between clients when asked, and a global limit always', async () => {
    const { scene } = setUp({
      key: 'client-name',
      client: false,
      global: { limit: 5 },
      tools: { add: { limit: 2, shared: true } },
      clock: new ManualClock(),
    });
    const alpha = await scene.connect({ name: 'alpha' });
    const beta = await scene.connect({ name: 'beta' });
    expect(await countOutcomes(echoCalls(alpha, 1, 'add'))).toEqual({ ok: 1, refused: 0 });
    expect(await countOutcomes(echoCalls(beta, 2, 'add'))).toEqual({ ok: 1, refused: 1 });
    expect(await countOutcomes([...echoCalls(alpha, 2), ...echoCalls(beta, 2)])).toEqual({
      ok: 3,
      refused: 1,
    });
    await scene.settled();
    const scopes = scene.ended.filter((request) => request.refusal).map((request) => request.refusal?.scope);
    expect(scopes).toEqual(['tool', 'global']);
  });

  it('limits methods by their own rules, and never initialize or ping', async () => {
    const { limiter, scene } = setUp({
      client: { limit: 3 },
      methods: { 'resources/read': { limit: 1 } },
      clock: new ManualClock(),
    });
    const connection = await scene.connect();
    await connection.request('ping');
    await connection.request('ping');
    await connection.request('ping');
    await connection.request('ping');
    expect(await outcomeOf(connection.readResource('config://app'))).toBe('ok');
    expect(await outcomeOf(connection.readResource('config://app'))).toMatchObject({
      code: -32029,
      data: { scope: 'method', method: 'resources/read', limit: 1 },
    });
    expect(await countOutcomes(echoCalls(connection, 3))).toEqual({ ok: 2, refused: 1 });
    expect(limiter.stats()).toMatchObject({ allowed: 3, refused: 2 });
  });

  it('never counts requests that `ignore` names', async () => {
    const { limiter, scene } = setUp({
      client: { limit: 1 },
      ignore: (request) => request.target === 'add',
      clock: new ManualClock(),
    });
    const connection = await scene.connect();
    expect(await countOutcomes(echoCalls(connection, 4, 'add'))).toEqual({ ok: 4, refused: 0 });
    expect(await countOutcomes(echoCalls(connection, 2))).toEqual({ ok: 1, refused: 1 });
    expect(limiter.stats()).toMatchObject({ allowed: 1, refused: 1 });
  });

  it('keys clients by a function, falling back to the session', async () => {
    const { scene } = setUp({
      client: { limit: 1 },
      key: (request) => request.meta?.tenant as string | undefined,
      clock: new ManualClock(),
    });
    const connection = await scene.connect();
    const call = (tenant?: string) =>
      outcomeOf(
        connection.request('tools/call', {
          name: 'echo',
          arguments: { text: 'x' },
          ...(tenant === undefined ? {} : { _meta: { tenant } }),
        }),
      );
    expect(await call('t1')).toBe('ok');
    expect(await call('t1')).toMatchObject({ code: -32029 });
    expect(await call('t2')).toBe('ok');
    expect(await call()).toBe('ok');
    expect(await call()).toMatchObject({ code: -32029 });
  });

  it('waits up to maxWaitMs for the limit, then dispatches', async () => {
    const clock = new ManualClock();
    const { limiter, scene } = setUp({ client: { limit: 1, windowMs: 1_000 }, maxWaitMs: 1_000, clock });
    const connection = await scene.connect();
    expect(await outcomeOf(connection.callTool('echo', { text: 'first' }))).toBe('ok');
    let second: unknown;
    const pending = outcomeOf(connection.callTool('echo', { text: 'second' })).then((outcome) => {
      second = outcome;
    });
    await waitFor(() => clock.pendingTimers === 1, 'the second call to wait');
    clock.advance(999);
    expect(clock.pendingTimers).toBe(1);
    expect(scene.calls.count('tool:echo')).toBe(1);
    clock.advance(1);
    await pending;
    expect(second).toBe('ok');
    expect(scene.calls.count('tool:echo')).toBe(2);
    expect(limiter.stats()).toMatchObject({ allowed: 2, refused: 0, waited: 1 });
  });

  it('refuses at once when the wait would pass maxWaitMs, and after waiting when it turns out to', async () => {
    const clock = new ManualClock();
    const { limiter, scene } = setUp({ client: { limit: 1, windowMs: 1_000 }, maxWaitMs: 1_500, clock });
    const connection = await scene.connect();
    await connection.callTool('echo', { text: 'first' });
    const waiting = outcomeOf(connection.callTool('echo', { text: 'waits' }));
    await waitFor(() => clock.pendingTimers === 1, 'the second call to wait');
    // A newcomer takes the refilled request before the waiting one's timer runs.
    clock.time += 1_000;
    expect(await outcomeOf(connection.callTool('echo', { text: 'newcomer' }))).toBe('ok');
    clock.advance(0);
    // The waiting call would need 1000 ms more: 2000 in all, over the 1500 allowed.
    expect(await waiting).toMatchObject({ code: -32029, data: { retryAfterMs: 1_000 } });
    expect(clock.pendingTimers).toBe(0);
    expect(limiter.stats()).toMatchObject({ allowed: 2, refused: 1, waited: 0 });
  });

  it('refuses at once without waiting when maxWaitMs is shorter than the wait', async () => {
    const clock = new ManualClock();
    const { scene } = setUp({ client: { limit: 1, windowMs: 1_000 }, maxWaitMs: 500, clock });
    const connection = await scene.connect();
    await connection.callTool('echo', { text: 'first' });
    expect(await outcomeOf(connection.callTool('echo', { text: 'second' }))).toMatchObject({
      code: -32029,
      data: { retryAfterMs: 1_000 },
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses at once by default (maxWaitMs 0), even when the store names no wait at all', async () => {
    const clock = new ManualClock();
    let consumed = 0;
    const store: RateLimitStore = {
      consume: () => (++consumed === 1 ? { rule: 0, retryAfterMs: 0 } : undefined),
    };
    const { limiter, scene } = setUp({ client: { limit: 1, windowMs: 1_000 }, store, clock });
    const connection = await scene.connect();
    const refused = outcomeOf(connection.callTool('echo', { text: 'x' }));
    await waitFor(() => scene.ended.some((request) => request.method === 'tools/call'), 'the call to end');
    expect(clock.pendingTimers).toBe(0);
    expect(await refused).toEqual({
      code: -32029,
      message: expect.stringContaining('Rate limit exceeded (client): retry after 0 ms'),
      data: { reason: 'rate_limited', scope: 'client', limit: 1, windowMs: 1_000, retryAfterMs: 0 },
    });
    expect(consumed).toBe(1);
    expect(limiter.stats()).toMatchObject({ allowed: 0, refused: 1, waited: 0 });
  });

  it('waits on the system clock when no clock is given', async () => {
    const { limiter, scene } = setUp({ client: { limit: 1, windowMs: 2_000 }, maxWaitMs: 30_000 });
    const connection = await scene.connect();
    expect(await outcomeOf(connection.callTool('echo', { text: 'first' }))).toBe('ok');
    const second = outcomeOf(connection.callTool('echo', { text: 'second' }));
    await waitFor(() => limiter.stats().waited === 1, 'the waiting call to be let through');
    expect(await second).toBe('ok');
    expect(scene.calls.count('tool:echo')).toBe(2);
    expect(limiter.stats()).toMatchObject({ allowed: 2, refused: 0, waited: 1 });
  });

  it('stops waiting when the client cancels: the handler never runs and nothing is counted', async () => {
    const clock = new ManualClock();
    const { limiter, scene } = setUp({ client: { limit: 1, windowMs: 1_000 }, maxWaitMs: 5_000, clock });
    const connection = await scene.connect();
    await connection.callTool('echo', { text: 'first' });
    const abort = new AbortController();
    const cancelled = outcomeOf(connection.callTool('echo', { text: 'cancelled' }, { signal: abort.signal }));
    await waitFor(() => clock.pendingTimers === 1, 'the call to wait');
    abort.abort();
    await cancelled;
    await scene.settled();
    expect(scene.ended.at(-1)).toMatchObject({ outcome: 'cancelled', refusal: undefined });
    clock.advance(1_000);
    expect(scene.calls.count('tool:echo')).toBe(1);
    // The cancelled call took nothing: the refilled request is still there.
    expect(await outcomeOf(connection.callTool('echo', { text: 'third' }))).toBe('ok');
    expect(limiter.stats()).toMatchObject({ allowed: 2, refused: 0, waited: 0 });
  });

  it('keys by session when the key function throws or returns a non-string, reported once each', async () => {
    let calls = 0;
    const { scene } = setUp({
      client: { limit: 2 },
      key: () => {
        calls++;
        if (calls % 2 === 1) throw new Error('key failed');
        return 42 as unknown as string;
      },
      clock: new ManualClock(),
    });
    const connection = await scene.connect();
    // Every request falls back to the session: one count of 2.
    expect(await countOutcomes(echoCalls(connection, 4))).toEqual({ ok: 2, refused: 2 });
    expect(scene.failures).toEqual([
      {
        code: CODES.hookFailed,
        plugin: 'rate-limit',
        hook: 'key',
        message: 'key threw; the request went on as if it had returned nothing',
        error: new Error('key failed'),
      },
      {
        code: CODES.hookInvalid,
        plugin: 'rate-limit',
        hook: 'key',
        message: 'key returned 42, not a string; keyed by its session',
      },
    ]);
  });

  it('reports the recent refusal rate and a health check of it', async () => {
    const clock = new ManualClock();
    const { limiter, scene } = setUp({ client: { limit: 10, windowMs: 3_600_000 }, clock });
    const check = limiter.check();
    expect(check()).toEqual({
      status: 'pass',
      observedValue: 0,
      observedUnit: '%',
      componentType: 'component',
    });
    const connection = await scene.connect();
    expect(await countOutcomes(echoCalls(connection, 20))).toEqual({ ok: 10, refused: 10 });
    expect(limiter.refusalRate()).toBe(0.5);
    expect(check()).toEqual({
      status: 'warn',
      observedValue: 50,
      observedUnit: '%',
      componentType: 'component',
      output: '10 of 20 requests refused in the last 60 s (50%)',
    });
    expect(limiter.check({ fail: 50 })()).toMatchObject({ status: 'fail' });
    expect(limiter.check({ warn: 60 })()).toMatchObject({ status: 'pass', observedValue: 50 });
    expect(limiter.check({ minRequests: 21 })()).toMatchObject({ status: 'pass' });
    clock.advance(30_000);
    expect(await countOutcomes(echoCalls(connection, 4))).toEqual({ ok: 0, refused: 4 });
    expect(limiter.refusalRate(10_000)).toBe(1);
    expect(limiter.refusalRate()).toBe(14 / 24);
    clock.advance(31_000);
    expect(limiter.refusalRate()).toBe(1);
    clock.advance(30_000);
    expect(limiter.refusalRate()).toBe(0);
    expect(check()).toMatchObject({ status: 'pass', observedValue: 0 });
  });

  describe('when the store fails', () => {
    function flakyStore(mode: 'reject' | 'throw') {
      const memory = memoryStore();
      const state = { failing: true };
      const store: RateLimitStore = {
        consume(rules, client, now, cost, limits) {
          if (!state.failing) return Promise.resolve(memory.consume(rules, client, now, cost, limits));
          if (mode === 'throw') throw new Error('store down');
          return Promise.reject(new Error('store down'));
        },
      };
      return { store, state };
    }

    const storeFailures = (scene: Observed) =>
      scene.failures.filter((failure) => failure.code === CODES.storeFailed);

    for (const mode of ['reject', 'throw'] as const) {
      it(`fails open by default and reports once per outage (${mode})`, async () => {
        const { store, state } = flakyStore(mode);
        const { limiter, scene } = setUp({ client: { limit: 1 }, store, clock: new ManualClock() });
        const connection = await scene.connect();
        expect(await countOutcomes(echoCalls(connection, 4))).toEqual({ ok: 4, refused: 0 });
        expect(storeFailures(scene)).toEqual([
          {
            code: CODES.storeFailed,
            plugin: 'rate-limit',
            message:
              'store failed (requests are allowed until it answers again; later failures of this outage are not reported)',
            error: new Error('store down'),
          },
        ]);
        expect(limiter.stats()).toMatchObject({ allowed: 4, storeErrors: 4, storeFailing: true });
        state.failing = false;
        expect(await countOutcomes(echoCalls(connection, 2))).toEqual({ ok: 1, refused: 1 });
        expect(limiter.stats().storeFailing).toBe(false);
        state.failing = true;
        expect(await countOutcomes(echoCalls(connection, 2))).toEqual({ ok: 2, refused: 0 });
        expect(storeFailures(scene)).toHaveLength(2);
        expect(scene.failures).toHaveLength(2);
      });
    }

    it('fails closed when asked, with its own reason', async () => {
      const events: RateLimitRefusalEvent[] = [];
      const { store } = flakyStore('reject');
      const { limiter, scene } = setUp({
        store,
        failOpen: false,
        onRefusal: (event) => void events.push(event),
        clock: new ManualClock(),
      });
      const connection = await scene.connect();
      expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toEqual({
        code: -32029,
        message: expect.stringContaining('Rate limit unavailable: retry later'),
        data: { reason: 'rate_limit_unavailable', retryAfterMs: 1_000 },
      });
      expect(await countOutcomes(echoCalls(connection, 3))).toEqual({ ok: 0, refused: 3 });
      await scene.settled();
      expect(scene.ended.at(-1)?.refusal).toEqual({ plugin: 'rate-limit', reason: 'rate_limit_unavailable' });
      expect(scene.calls.count('tool:echo')).toBe(0);
      expect(storeFailures(scene).map((failure) => failure.message)).toEqual([
        'store failed (requests are refused until it answers again; later failures of this outage are not reported)',
      ]);
      expect(events.map((event) => [event.reason, event.scope, event.limit, event.cost])).toEqual(
        Array(4).fill(['rate_limit_unavailable', undefined, undefined, 1]),
      );
      expect(limiter.stats()).toMatchObject({ refused: 4, refusedUnavailable: 4, allowed: 0 });
      expect(limiter.refusalRate()).toBe(1);
      expect(limiter.check({ minRequests: 4, fail: 100 })()).toMatchObject({
        status: 'fail',
        observedValue: 100,
      });
    });

    for (const failOpen of [true, false]) {
      it(`counts nothing for requests that ended before the store answered (failOpen: ${failOpen})`, async () => {
        const answers: { promise: Promise<StoreRefusal | undefined>; settle: Settle }[] = [];
        const store: RateLimitStore = {
          consume() {
            let settle!: Settle;
            const promise = new Promise<StoreRefusal | undefined>((resolve, reject) => {
              settle = { resolve, reject };
            });
            answers.push({ promise, settle });
            return promise;
          },
        };
        const events: RateLimitRefusalEvent[] = [];
        const { limiter, scene } = setUp({
          store,
          failOpen,
          onRefusal: (event) => void events.push(event),
          clock: new ManualClock(),
        });
        const connection = await scene.connect();
        const abort = new AbortController();
        const cancelled = Array.from({ length: 3 }, () =>
          outcomeOf(connection.callTool('echo', { text: 'x' }, { signal: abort.signal })),
        );
        await waitFor(() => answers.length === 3, 'the store to be asked three times');
        abort.abort();
        await Promise.all(cancelled);
        await scene.settled();
        expect(
          scene.ended.filter((request) => request.method === 'tools/call').map((r) => r.outcome),
        ).toEqual(['cancelled', 'cancelled', 'cancelled']);
        const [failed, allowed, refused] = answers;
        failed!.settle.reject(new Error('store down'));
        await failed!.promise.catch(() => undefined);
        expect(limiter.stats()).toMatchObject({ storeErrors: 1, storeFailing: true });
        // The outage is reported all the same, and ends when the store answers again.
        expect(storeFailures(scene)).toHaveLength(1);
        allowed!.settle.resolve(undefined);
        await allowed!.promise;
        refused!.settle.resolve({ rule: 0, retryAfterMs: 1_000 });
        await refused!.promise;
        expect(limiter.stats()).toEqual({
          allowed: 0,
          refused: 0,
          refusedByScope: { global: 0, client: 0, tool: 0, method: 0 },
          refusedUnavailable: 0,
          waited: 0,
          storeErrors: 1,
          storeFailing: false,
        });
        expect(events).toEqual([]);
        expect(limiter.refusalRate()).toBe(0);
        expect(scene.calls.count('tool:echo')).toBe(0);
      });
    }

    it('reports to stderr when attached nowhere else, one line per outage, never to stdout', async () => {
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const stdout = vi.spyOn(process.stdout, 'write');
      try {
        const limiter = rateLimit({ store: flakyStore('reject').store, clock: new ManualClock() });
        const server = observe(createExampleServer({ sdk })).use(limiter);
        const connection = await connectInMemory(server, sdk);
        expect(await countOutcomes(echoCalls(connection, 3))).toEqual({ ok: 3, refused: 0 });
        await connection.close();
        await server.close();
        const lines = stderr.mock.calls
          .map(([chunk]) => String(chunk))
          .filter((line) => line.includes('rate-limit'));
        expect(lines).toEqual([
          '[mcpscope] rate-limit: store failed (requests are allowed until it answers again; later failures ' +
            `of this outage are not reported): store down (${CODES.storeFailed})\n`,
        ]);
        expect(stdout).not.toHaveBeenCalled();
      } finally {
        stderr.mockRestore();
        stdout.mockRestore();
      }
    });
  });
});

describe('maxWaitMs', () => {
  it('must be a number >= 0', () => {
    for (const [value, shown] of [
      [-1, '-1'],
      [Number.NaN, 'NaN'],
      ['500', '500'],
    ] as const) {
      expect(() => rateLimit({ maxWaitMs: value as number })).toThrow(
        new TypeError(`rateLimit: maxWaitMs must be a number >= 0, got ${shown}`),
      );
    }
    expect(rateLimit({ maxWaitMs: 0 }).name).toBe('rate-limit');
  });
});
