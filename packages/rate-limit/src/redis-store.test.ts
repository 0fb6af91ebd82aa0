import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SDK_VERSIONS, type StdioChild, spawnStdioServer, waitFor } from '@mcpscope/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, START_TIME } from '../test/manual-clock.js';
import { countOutcomes, echoCalls, type Observed, observed, outcomeOf } from '../test/observed.js';
import { type RunningRedis, SKIP_REDIS, startRedis } from '../test/redis.js';
import { RATE_LIMIT_DIAGNOSTIC_CODES as CODES } from './diagnostic-codes.js';
import { MemoryStore } from './memory-store.js';
import { rateLimit } from './rate-limit.js';
import { RATE_LIMIT_SCRIPT_SHA1 } from './redis-script.js';
import { redisStore } from './redis-store.js';
import type { Algorithm } from './types.js';

const CHILD = fileURLToPath(new URL('../test/redis-server-child.ts', import.meta.url));
const ALGORITHMS: Algorithm[] = ['token-bucket', 'fixed-window', 'sliding-window'];
const STORE_FAILED = '[mcpscope] rate-limit: store failed';

const SKIPPED = SKIP_REDIS ? ' (skipped: MCPSCOPE_SKIP_REDIS=1)' : '';

describe.skipIf(SKIP_REDIS)(`redis store${SKIPPED}`, () => {
  let redis: RunningRedis;
  let scene: Observed | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
  });

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: gives the memory store's verdict for every request of a random walk (costs, per-request limits)`, async () => {
      const limiter = rateLimit({
        algorithm,
        global: { limit: 7, windowMs: 1_000 },
        client: { limit: 3, windowMs: 700, burst: 2 },
        tools: { add: { limit: 2, windowMs: 1_500 } },
      });
      const all = [...limiter.rules];
      const base = all.slice(0, 2);
      const memory = new MemoryStore();
      const shared = redisStore({ client: redis.client(), time: 'local', prefix: `walk:${algorithm}:` });
      let seed = 11;
      const random = () => {
        seed = (seed * 48_271) % 2_147_483_647;
        return seed / 2_147_483_647;
      };
      let time = START_TIME + 123;
      let refused = 0;
      for (let step = 0; step < 300; step++) {
        time += Math.floor(random() * 250);
        const rules = random() < 0.4 ? all : base;
        const client = random() < 0.5 ? 'a' : 'b';
        // Costs of 1 to 3; client b has a plan of its own (per-request limits of its per-client rules).
        const cost = 1 + Math.floor(random() * 3);
        const limits =
          client === 'b' ? rules.map((rule) => (rule.shared ? rule.limit : rule.limit + 3)) : undefined;
        const expected = memory.consume(rules, client, time, cost, limits);
        expect(await shared.consume(rules, client, time, cost, limits), `step ${step}`).toEqual(expected);
        if (expected !== undefined) refused++;
      }
      // The walk exercised refusals by every rule, not only acceptances.
      expect(refused).toBeGreaterThan(50);
    });
  }

  describe.each(SDK_VERSIONS)('through an MCP server over SDK %s', (sdk) => {
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
        const store = redisStore({
          client: redis.client(),
          time: 'local',
          prefix: `burst:${sdk}:${algorithm}:`,
        });
        const limiter = rateLimit({ algorithm, client, clock, store });
        scene = observed(sdk, limiter);
        const connection = await scene.connect();
        expect(await countOutcomes(echoCalls(connection, 8))).toEqual({ ok: first, refused: 8 - first });
        clock.advance(advanceMs);
        expect(await countOutcomes(echoCalls(connection, 8))).toEqual({ ok: second, refused: 8 - second });
        expect(scene.calls.count('tool:echo')).toBe(first + second);
        await scene.settled();
        expect(scene.ended.filter((request) => request.refusal?.scope === 'client')).toHaveLength(
          16 - first - second,
        );
      });
    }

    it('keys sessions without an id by connection, apart from each other', async () => {
      const store = redisStore({ client: redis.client(), prefix: `connections:${sdk}:` });
      scene = observed(sdk, rateLimit({ client: { limit: 2 }, store }));
      const first = await scene.connect();
      const second = await scene.connect();
      expect(await countOutcomes(echoCalls(first, 3))).toEqual({ ok: 2, refused: 1 });
      expect(await countOutcomes(echoCalls(second, 3))).toEqual({ ok: 2, refused: 1 });
      const keys = await redis.client().keys(`connections:${sdk}:*`);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(
        new RegExp(`^connections:${sdk}:client:token-bucket\\|connection:[0-9a-f-]{36}:\\d+$`),
      );
    });
  });

  it('runs the script by EVALSHA, loading it with EVAL when Redis does not know it', async () => {
    const admin = redis.client();
    const store = redisStore({ client: redis.client(), prefix: 'script:' });
    const rules = [...rateLimit({ client: { limit: 100 } }).rules];
    await admin.script('FLUSH');
    await admin.config('RESETSTAT');
    for (let index = 0; index < 3; index++) expect(await store.consume(rules, 'a', 0)).toBeUndefined();
    expect(await admin.script('EXISTS', RATE_LIMIT_SCRIPT_SHA1)).toEqual([1]);
    const stats = await admin.info('commandstats');
    expect(stats).toMatch(/cmdstat_evalsha:calls=3,/);
    expect(stats).toMatch(/cmdstat_eval:calls=1,/);
    // Flushed again (a restart, a failover): the next call loads it again.
    await admin.script('FLUSH');
    expect(await store.consume(rules, 'a', 0)).toBeUndefined();
    expect(await admin.script('EXISTS', RATE_LIMIT_SCRIPT_SHA1)).toEqual([1]);
  });

  it('reads the time from Redis by default, and each key expires when its state would be fresh again', async () => {
    const admin = redis.client();
    const store = redisStore({ client: redis.client(), prefix: 'time:' });
    const [bucket, window] = [
      ...rateLimit({
        global: { limit: 2, windowMs: 10_000, algorithm: 'fixed-window' },
        client: { limit: 2, windowMs: 60_000 },
      }).rules,
    ];
    // A caller clock far in the past is ignored: the window and refill follow Redis's clock.
    expect(await store.consume([bucket!], 'a', 0)).toBeUndefined();
    expect(await store.consume([bucket!], 'a', 0)).toBeUndefined();
    expect(await store.consume([bucket!], 'a', 0)).toMatchObject({ rule: 0 });
    const bucketTtl = await admin.pttl('time:global:fixed-window');
    expect(bucketTtl).toBeGreaterThan(0);
    expect(bucketTtl).toBeLessThanOrEqual(10_000);
    expect(await store.consume([window!], 'a', 0)).toBeUndefined();
    // One request of two used: full again in 30 s (60 s / 2).
    // The client key is stored hashed, never in clear.
    const hashed = createHash('sha256').update('a').digest('base64url');
    expect(await admin.keys('time:client:*')).toEqual([`time:client:token-bucket|${hashed}`]);
    const windowTtl = await admin.pttl(`time:client:token-bucket|${hashed}`);
    expect(windowTtl).toBeGreaterThan(29_000);
    expect(windowTtl).toBeLessThanOrEqual(30_000);
  });

  it('two server processes sharing one Redis stay within one global limit together', async () => {
    await redis.client().flushall();
    const children: StdioChild[] = await Promise.all(
      SDK_VERSIONS.map((sdk) =>
        spawnStdioServer(CHILD, { sdk, args: [sdk, String(redis.port), '10', 'open'] }),
      ),
    );
    try {
      const results = await Promise.all(children.map((child) => countOutcomes(echoCalls(child.client, 12))));
      expect(results[0]!.ok + results[1]!.ok).toBe(10);
      expect(results[0]!.refused + results[1]!.refused).toBe(14);
      expect(await countOutcomes(echoCalls(children[0]!.client, 2))).toEqual({ ok: 0, refused: 2 });
      for (const child of children) expect(child.stderr()).not.toContain(STORE_FAILED);
    } finally {
      await Promise.all(children.map((child) => child.close()));
    }
  });
});

describe.skipIf(SKIP_REDIS)(`redis going away mid-run${SKIPPED}`, () => {
  let redis: RunningRedis;
  let scene: Observed | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
    await redis.restart().catch(() => undefined);
  });

  const UNAVAILABLE = expect.objectContaining({
    data: expect.objectContaining({ reason: 'rate_limit_unavailable' }),
  });
  const OUTAGES = [
    { failOpen: true, during: ['ok', 'ok', 'ok', 'ok'] },
    { failOpen: false, during: Array(4).fill(UNAVAILABLE) },
  ];
  for (const { failOpen, during: expectedDuring } of OUTAGES) {
    for (const sdk of SDK_VERSIONS) {
      it(`${failOpen ? 'fails open' : 'fails closed'} (SDK ${sdk}), reported once, and recovers`, async () => {
        // Without the offline queue, calls fail at once while Redis is away and none run late.
        const client = redis.client({ enableOfflineQueue: false });
        await waitFor(() => client.status === 'ready', 'the client to connect');
        const limiter = rateLimit({
          client: { limit: 2 },
          store: redisStore({
            client,
            prefix: `outage:${sdk}:${failOpen}:`,
            timeoutMs: 300,
            retryIntervalMs: 0,
          }),
          failOpen,
        });
        scene = observed(sdk, limiter);
        const connection = await scene.connect();
        expect(await countOutcomes(echoCalls(connection, 3))).toEqual({ ok: 2, refused: 1 });
        await redis.kill();
        const during = [];
        for (let index = 0; index < 4; index++)
          during.push(await outcomeOf(connection.callTool('echo', { text: 'x' })));
        expect(during).toEqual(expectedDuring);
        const reports = () => scene!.failures.filter((failure) => failure.code === CODES.storeFailed);
        expect(reports()).toHaveLength(1);
        expect(limiter.stats()).toMatchObject({ storeFailing: true, storeErrors: 4 });

        await redis.restart();
        await waitFor(() => client.status === 'ready', 'the client to reconnect', 15_000);
        // Redis came back empty (no persistence): a fresh count of 2. One call at a time: while the
        // first call after an outage probes Redis, concurrent ones get the failure answer at once.
        const after = [];
        for (let index = 0; index < 3; index++)
          after.push(await outcomeOf(connection.callTool('echo', { text: 'x' })));
        expect(after).toEqual([
          'ok',
          'ok',
          expect.objectContaining({ data: expect.objectContaining({ scope: 'client' }) }),
        ]);
        expect(limiter.stats().storeFailing).toBe(false);
        expect(reports()).toHaveLength(1);
      });
    }
  }

  it('child processes (ioredis defaults: calls queue, then time out): each reports once on stderr', async () => {
    await redis.client().flushall();
    const [open, closed] = await Promise.all([
      spawnStdioServer(CHILD, { sdk: 'v1', args: ['v1', String(redis.port), '100', 'open'] }),
      spawnStdioServer(CHILD, { sdk: 'v2', args: ['v2', String(redis.port), '100', 'closed'] }),
    ]);
    try {
      expect(await countOutcomes(echoCalls(open.client, 2))).toEqual({ ok: 2, refused: 0 });
      expect(await countOutcomes(echoCalls(closed.client, 2))).toEqual({ ok: 2, refused: 0 });
      await redis.kill();
      for (let round = 0; round < 3; round++) {
        expect(await countOutcomes(echoCalls(open.client, 2))).toEqual({ ok: 2, refused: 0 });
        expect(await countOutcomes(echoCalls(closed.client, 2))).toEqual({ ok: 0, refused: 2 });
      }
      for (const [child, mode] of [
        [open, 'allowed'],
        [closed, 'refused'],
      ] as const) {
        const lines = child
          .stderr()
          .split('\n')
          .filter((line) => line.startsWith(STORE_FAILED));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`requests are ${mode} until it answers again`);
        expect(lines[0]).toMatch(new RegExp(`\\(${CODES.storeFailed}\\)$`));
      }
    } finally {
      await Promise.all([open.close(), closed.close()]);
    }
  });
});
