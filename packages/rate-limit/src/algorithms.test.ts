import { describe, expect, it } from 'vitest';
import { START_TIME } from '../test/manual-clock.js';
import { MemoryStore } from './memory-store.js';
import { rateLimit } from './rate-limit.js';
import type { Algorithm, RateLimitRule, RuleOptions } from './types.js';

function clientRule(options: RuleOptions): RateLimitRule {
  return rateLimit({ client: options }).rules[0]!;
}

/** Sends `count` requests at `time` and returns how many were allowed and the first refusal. */
function burst(store: MemoryStore, rules: RateLimitRule[], client: string, time: number, count: number) {
  let allowed = 0;
  let firstRetry: number | undefined;
  let refusingRule: number | undefined;
  for (let index = 0; index < count; index++) {
    const verdict = store.consume(rules, client, time);
    if (verdict === undefined) allowed++;
    else if (firstRetry === undefined) {
      firstRetry = verdict.retryAfterMs;
      refusingRule = verdict.rule;
    }
  }
  return { allowed, refused: count - allowed, firstRetry, refusingRule };
}

describe('token bucket', () => {
  const rules = [clientRule({ algorithm: 'token-bucket', limit: 10, windowMs: 1_000, burst: 5 })];

  it('allows exactly the burst at once, then one request per refill interval', () => {
    const store = new MemoryStore();
    expect(burst(store, rules, 'a', START_TIME, 20)).toEqual({
      allowed: 5,
      refused: 15,
      firstRetry: 100,
      refusingRule: 0,
    });
    expect(burst(store, rules, 'a', START_TIME + 99, 3).allowed).toBe(0);
    expect(burst(store, rules, 'a', START_TIME + 100, 3)).toMatchObject({ allowed: 1, firstRetry: 100 });
    expect(burst(store, rules, 'a', START_TIME + 350, 5)).toMatchObject({ allowed: 2, firstRetry: 50 });
    // A long pause fills the bucket to its size, never beyond.
    expect(burst(store, rules, 'a', START_TIME + 60_000, 20).allowed).toBe(5);
  });

  it('defaults the burst to the limit', () => {
    const store = new MemoryStore();
    const rule = [clientRule({ algorithm: 'token-bucket', limit: 3, windowMs: 60_000 })];
    expect(burst(store, rule, 'a', START_TIME, 10)).toMatchObject({ allowed: 3, firstRetry: 20_000 });
  });
});

describe('fixed window', () => {
  const rules = [clientRule({ algorithm: 'fixed-window', limit: 5, windowMs: 1_000 })];

  it('allows the limit per window and resets at the boundary', () => {
    const store = new MemoryStore();
    expect(burst(store, rules, 'a', START_TIME + 10, 8)).toMatchObject({
      allowed: 5,
      refused: 3,
      firstRetry: 990,
    });
    expect(burst(store, rules, 'a', START_TIME + 999, 2)).toMatchObject({ allowed: 0, firstRetry: 1 });
    expect(burst(store, rules, 'a', START_TIME + 1_000, 8).allowed).toBe(5);
  });

  it('lets twice the limit through across a boundary (the cost of fixed windows)', () => {
    const store = new MemoryStore();
    expect(burst(store, rules, 'a', START_TIME + 999, 8).allowed).toBe(5);
    expect(burst(store, rules, 'a', START_TIME + 1_000, 8).allowed).toBe(5);
  });
});

describe('sliding window', () => {
  const rules = [clientRule({ algorithm: 'sliding-window', limit: 10, windowMs: 1_000 })];

  it('weighs the previous window by how much of it still overlaps', () => {
    const store = new MemoryStore();
    expect(burst(store, rules, 'a', START_TIME, 15)).toMatchObject({ allowed: 10, firstRetry: 1_100 });
    // Half-way into the next window the previous 10 weigh 5: 5 more pass.
    expect(burst(store, rules, 'a', START_TIME + 1_500, 8)).toMatchObject({ allowed: 5, firstRetry: 100 });
    expect(burst(store, rules, 'a', START_TIME + 1_599, 2).allowed).toBe(0);
    expect(burst(store, rules, 'a', START_TIME + 1_600, 2)).toMatchObject({ allowed: 1, firstRetry: 100 });
  });

  it('does not let twice the limit through across a boundary', () => {
    const store = new MemoryStore();
    expect(burst(store, rules, 'a', START_TIME + 999, 15).allowed).toBe(10);
    expect(burst(store, rules, 'a', START_TIME + 1_000, 15)).toMatchObject({ allowed: 0, firstRetry: 100 });
    expect(burst(store, rules, 'a', START_TIME + 1_100, 15).allowed).toBe(1);
  });

  it('forgets windows older than the previous one', () => {
    const store = new MemoryStore();
    expect(burst(store, rules, 'a', START_TIME, 10).allowed).toBe(10);
    expect(burst(store, rules, 'a', START_TIME + 2_000, 15).allowed).toBe(10);
  });
});

describe('retry after', () => {
  const algorithms: Algorithm[] = ['token-bucket', 'fixed-window', 'sliding-window'];

  for (const algorithm of algorithms) {
    it(`${algorithm}: refused 1 ms before retryAfterMs, allowed at it`, () => {
      // A fixed pseudo-random walk: bursts of requests at irregular times.
      let seed = 7;
      const random = () => {
        seed = (seed * 48_271) % 2_147_483_647;
        return seed / 2_147_483_647;
      };
      for (const [limit, windowMs, burstSize] of [
        [3, 1_000, 2],
        [7, 900, 7],
        [10, 60_000, 4],
      ] as const) {
        const rules = [clientRule({ algorithm, limit, windowMs, burst: burstSize })];
        const store = new MemoryStore();
        let time = START_TIME;
        let checked = 0;
        for (let step = 0; step < 200; step++) {
          time += Math.floor(random() * windowMs * 0.5);
          const requests = 1 + Math.floor(random() * (limit + 2));
          for (let request = 0; request < requests; request++) {
            const verdict = store.consume(rules, 'a', time);
            if (verdict === undefined) continue;
            expect(verdict.retryAfterMs).toBeGreaterThanOrEqual(1);
            if (verdict.retryAfterMs > 1) {
              expect(store.consume(rules, 'a', time + verdict.retryAfterMs - 1)).toBeDefined();
            }
            expect(store.consume(rules, 'a', time + verdict.retryAfterMs)).toBeUndefined();
            time += verdict.retryAfterMs;
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(50);
      }
    });
  }
});

describe('several rules at once', () => {
  it('counts a request by every rule or by none', () => {
    const limiter = rateLimit({
      global: { limit: 3, windowMs: 60_000 },
      client: { limit: 2, windowMs: 60_000 },
    });
    const rules = [...limiter.rules];
    expect(rules.map((rule) => rule.scope)).toEqual(['global', 'client']);
    const store = new MemoryStore();
    // Client a: 2 pass, the third is refused by its client rule and does not use the global count.
    expect(burst(store, rules, 'a', START_TIME, 3)).toMatchObject({ allowed: 2, refusingRule: 1 });
    // So client b still gets the global's last request, then the global rule refuses.
    expect(burst(store, rules, 'b', START_TIME, 3)).toMatchObject({ allowed: 1, refusingRule: 0 });
  });

  it('names the rule that binds longest when several refuse', () => {
    const limiter = rateLimit({
      global: { limit: 1, windowMs: 1_000 },
      client: { limit: 1, windowMs: 60_000 },
    });
    const store = new MemoryStore();
    expect(burst(store, [...limiter.rules], 'a', START_TIME, 2)).toMatchObject({
      allowed: 1,
      refusingRule: 1,
      firstRetry: 60_000,
    });
  });
});

describe('option checks', () => {
  it('refuses limits that are not whole numbers and unknown algorithms', () => {
    expect(() => rateLimit({ client: { limit: 0 } })).toThrow(/client.limit must be a whole number/);
    expect(() => rateLimit({ tools: { add: { limit: 1.5 } } })).toThrow(/tools\["add"\].limit/);
    expect(() => rateLimit({ client: { limit: 1, windowMs: -1 } })).toThrow(/windowMs/);
    expect(() => rateLimit({ algorithm: 'leaky' as Algorithm })).toThrow(/algorithm must be one of/);
    expect(() => rateLimit({ maxWaitMs: -1 })).toThrow(/maxWaitMs/);
    expect(() => rateLimit({ key: 'ip' as 'session' })).toThrow(/key must be/);
  });

  it('resolves rules in checking order with stable ids', () => {
    const limiter = rateLimit({
      global: { limit: 1000, windowMs: 1_000 },
      tools: { search: { limit: 10, shared: true }, fetch: { limit: 5, burst: 8 } },
      methods: { 'resources/read': { limit: 50, algorithm: 'fixed-window' } },
    });
    expect(limiter.rules).toEqual([
      expect.objectContaining({ id: 'global:token-bucket', scope: 'global', shared: true, limit: 1000 }),
      expect.objectContaining({ id: 'client:token-bucket', scope: 'client', shared: false, limit: 100 }),
      expect.objectContaining({
        id: 'method:resources/read:fixed-window',
        scope: 'method',
        target: 'resources/read',
        shared: false,
        windowMs: 60_000,
      }),
      // Without a burst of its own the bucket is as large as the limit that applies.
      expect.objectContaining({
        id: 'tool:search:token-bucket',
        scope: 'tool',
        shared: true,
        burst: undefined,
      }),
      expect.objectContaining({ id: 'tool:fetch:token-bucket', burst: 8, perRequestLimit: false }),
    ]);
  });
});
