/**
 * Issue 18's per-request hooks: `cost`, a rule's `limit` as a function, `message`; exact counts with the
 * memory store and with Redis (the Lua script), and a hook that throws or returns what it may not is
 * reported once while the request goes on as if it had returned nothing.
 */
import { SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../test/manual-clock.js';
import { countOutcomes, type Observed, observed, outcomeOf } from '../test/observed.js';
import { type RunningRedis, SKIP_REDIS, startRedis } from '../test/redis.js';
import { RATE_LIMIT_DIAGNOSTIC_CODES as CODES } from './diagnostic-codes.js';
import { memoryStore } from './memory-store.js';
import { rateLimit } from './rate-limit.js';
import { redisStore } from './redis-store.js';
import type { Algorithm, RateLimitOptions, RateLimitRefusalEvent, RateLimitStore } from './types.js';

const ALGORITHMS: Algorithm[] = ['token-bucket', 'fixed-window', 'sliding-window'];
const PLANS: Readonly<Record<string, number>> = { gold: 5, silver: 3 };
const tenantOf = (request: { meta: Readonly<Record<string, unknown>> | undefined }) =>
  request.meta?.tenant as string | undefined;

let redis: RunningRedis | undefined;
let prefixes = 0;
beforeAll(async () => {
  if (!SKIP_REDIS) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const STORES: { name: string; create: () => RateLimitStore }[] = [
  { name: 'memory', create: () => memoryStore() },
  {
    name: `redis${SKIP_REDIS ? ' (skipped: MCPSCOPE_SKIP_REDIS=1)' : ''}`,
    create: () => redisStore({ client: redis!.client(), time: 'local', prefix: `hooks:${++prefixes}:` }),
  },
];

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  let scene: Observed | undefined;
  const setUp = (options: RateLimitOptions) => {
    const limiter = rateLimit({ clock: new ManualClock(), ...options });
    scene = observed(sdk, limiter);
    return { limiter, scene };
  };
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
  });

  for (const store of STORES) {
    describe.skipIf(store.name !== 'memory' && SKIP_REDIS)(`${store.name} store`, () => {
      for (const algorithm of ALGORITHMS) {
        it(`${algorithm}: limit 10, cost 3: the 4th call is refused, a cost-1 call still passes`, async () => {
          const { limiter, scene } = setUp({
            algorithm,
            client: { limit: 10 },
            cost: (request) => (request.target === 'add' ? 3 : undefined),
            store: store.create(),
          });
          const connection = await scene.connect();
          const calls = [];
          for (let index = 0; index < 4; index++)
            calls.push(await outcomeOf(connection.callTool('add', { a: 1, b: 2 })));
          expect(calls.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
          expect(calls[3]).toMatchObject({
            code: -32029,
            data: { reason: 'rate_limited', scope: 'client', limit: 10, cost: 3 },
          });
          // 9 used, 1 left: one call of cost 1 passes, the next does not.
          expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toBe('ok');
          expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toMatchObject({ code: -32029 });
          expect(limiter.stats()).toMatchObject({ allowed: 4, refused: 2 });
        });
      }

      it('refuses a call costing more than the limit, every time, with the window as its wait', async () => {
        const { scene } = setUp({
          client: { limit: 2, windowMs: 1_000 },
          cost: () => 3,
          store: store.create(),
        });
        const connection = await scene.connect();
        expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toMatchObject({
          code: -32029,
          data: { limit: 2, cost: 3, retryAfterMs: 1_000 },
        });
      });

      it('limits each tenant by its plan, and an unknown tenant by defaultLimit', async () => {
        const { scene } = setUp({
          key: (request) => tenantOf(request),
          client: { limit: (request) => PLANS[tenantOf(request) ?? ''], defaultLimit: 2 },
          store: store.create(),
        });
        const connection = await scene.connect();
        const calls = (tenant: string, count: number) =>
          Array.from({ length: count }, () =>
            connection.request('tools/call', { name: 'echo', arguments: { text: 'x' }, _meta: { tenant } }),
          );
        expect(await countOutcomes(calls('gold', 7))).toEqual({ ok: 5, refused: 2 });
        expect(await countOutcomes(calls('silver', 7))).toEqual({ ok: 3, refused: 4 });
        expect(await countOutcomes(calls('bronze', 7))).toEqual({ ok: 2, refused: 5 });
        expect(await outcomeOf(calls('silver', 1)[0]!)).toMatchObject({ data: { limit: 3 } });
        expect(scene.failures).toEqual([]);
      });
    });
  }

  it('words the refusal with message: a string, or a function of the request, the rule and the refusal', async () => {
    const worded = setUp({ client: { limit: 1 }, message: 'Slow down' });
    const first = await worded.scene.connect();
    await first.callTool('echo', { text: 'x' });
    expect(await outcomeOf(first.callTool('echo', { text: 'x' }))).toMatchObject({
      code: -32029,
      message: expect.stringContaining('Slow down'),
    });
    await scene?.close();
    const { scene: computed } = setUp({
      client: { limit: 1, windowMs: 1_000 },
      message: (request, rule, { limit, retryAfterMs }) =>
        `${request.target}: ${limit} per ${rule.windowMs} ms, again in ${retryAfterMs} ms`,
    });
    const second = await computed.connect();
    await second.callTool('echo', { text: 'x' });
    expect(await outcomeOf(second.callTool('echo', { text: 'x' }))).toMatchObject({
      message: expect.stringContaining('echo: 1 per 1000 ms, again in 1000 ms'),
    });
  });

  it('a message hook giving nothing sends the default; one giving no string is reported once', async () => {
    let answer: unknown;
    const { scene } = setUp({
      client: { limit: 1, windowMs: 1_000 },
      message: () => answer as string | undefined,
    });
    const connection = await scene.connect();
    const defaultRefusal = {
      code: -32029,
      message: expect.stringContaining('Rate limit exceeded (client): retry after 1000 ms'),
      data: { reason: 'rate_limited', scope: 'client', limit: 1, windowMs: 1_000, retryAfterMs: 1_000 },
    };
    expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toBe('ok');
    expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toEqual(defaultRefusal);
    expect(scene.failures).toEqual([]);
    answer = 42;
    expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toEqual(defaultRefusal);
    expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toEqual(defaultRefusal);
    expect(scene.failures).toEqual([
      {
        code: CODES.hookInvalid,
        plugin: 'rate-limit',
        hook: 'message',
        message: 'message returned 42, not a string; the default was sent',
      },
    ]);
  });

  it('a throwing or invalid hook is reported once and changes nothing else', async () => {
    const events: RateLimitRefusalEvent[] = [];
    let round = 0;
    const { scene, limiter } = setUp({
      client: {
        limit: () => {
          round++;
          if (round === 1) throw new Error('plans unavailable');
          return 2.5;
        },
        defaultLimit: 3,
      },
      cost: (request) => {
        if (request.target === 'add') throw new Error('price list unavailable');
        return 0;
      },
      ignore: () => {
        throw new Error('ignore failed');
      },
      message: () => {
        throw new Error('no words');
      },
      onRefusal: (event) => {
        events.push(event);
        throw new Error('refusal sink down');
      },
    });
    const connection = await scene.connect();
    // Each call counted at cost 1 against the default limit of 3.
    const outcomes = [];
    for (const tool of ['add', 'echo', 'add', 'echo', 'add']) {
      outcomes.push(
        await outcomeOf(connection.callTool(tool, tool === 'add' ? { a: 1, b: 2 } : { text: 'x' })),
      );
    }
    expect(outcomes.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(outcomes.slice(3)).toEqual(
      Array(2).fill({
        code: -32029,
        message: expect.stringContaining('Rate limit exceeded (client): retry after'),
        data: expect.objectContaining({ limit: 3, scope: 'client' }),
      }),
    );
    expect(events.map((event) => [event.limit, event.cost])).toEqual([
      [3, 1],
      [3, 1],
    ]);
    expect(limiter.stats()).toMatchObject({ allowed: 3, refused: 2 });
    expect(scene.failures.map((failure) => [failure.code, failure.hook])).toEqual([
      [CODES.hookFailed, 'ignore'],
      [CODES.hookFailed, 'cost'],
      [CODES.hookFailed, 'client.limit'],
      [CODES.hookInvalid, 'cost'],
      [CODES.hookInvalid, 'client.limit'],
      [CODES.hookFailed, 'message'],
      [CODES.hookFailed, 'onRefusal'],
    ]);
    expect(
      scene.failures.find((failure) => failure.hook === 'cost' && failure.code === CODES.hookInvalid),
    ).toMatchObject({ message: 'cost returned 0, not a whole number >= 1; it cost 1' });
  });
});

describe('rule options', () => {
  it('requires defaultLimit with a function limit, and whole numbers everywhere', () => {
    expect(() => rateLimit({ client: { limit: () => 1 } })).toThrow(
      'rateLimit: client.defaultLimit is required when client.limit is a function',
    );
    expect(() => rateLimit({ tools: { search: { limit: () => 1, defaultLimit: 0.5 } } })).toThrow(
      'rateLimit: tools["search"].defaultLimit must be a whole number >= 1, got 0.5',
    );
    expect(() => rateLimit({ message: 42 as never })).toThrow(
      'rateLimit: message must be a string or a function',
    );
    expect(rateLimit({ client: { limit: () => 1, defaultLimit: 7 } }).rules[0]).toMatchObject({
      limit: 7,
      perRequestLimit: true,
    });
  });
});
