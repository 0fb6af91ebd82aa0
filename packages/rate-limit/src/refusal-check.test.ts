/**
 * `limiter.check()`'s thresholds at their boundaries (`minRequests`, `warn`, `fail` are reached when
 * equalled) and the window its output names, in whole seconds from 1 to 60.
 */
import { SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../test/manual-clock.js';
import { countOutcomes, echoCalls, type Observed, observed } from '../test/observed.js';
import { rateLimit } from './rate-limit.js';
import type { RateLimiter } from './types.js';

describe.each(SDK_VERSIONS)('the refusal check, SDK %s', (sdk) => {
  let scene: Observed | undefined;
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
  });

  /** 10 requests, 5 of them refused: 50%. */
  const halfRefused = async (): Promise<RateLimiter> => {
    const limiter = rateLimit({ client: { limit: 5, windowMs: 3_600_000 }, clock: new ManualClock() });
    scene = observed(sdk, limiter);
    const connection = await scene.connect();
    expect(await countOutcomes(echoCalls(connection, 10))).toEqual({ ok: 5, refused: 5 });
    return limiter;
  };

  const verdict = (status: 'warn' | 'fail', seconds = 60) => ({
    status,
    observedValue: 50,
    observedUnit: '%',
    componentType: 'component',
    output: `5 of 10 requests refused in the last ${seconds} s (50%)`,
  });
  const passing = { status: 'pass', observedValue: 50, observedUnit: '%', componentType: 'component' };

  it('judges once exactly minRequests arrived, not before', async () => {
    const limiter = await halfRefused();
    expect(limiter.check()()).toEqual(verdict('warn'));
    expect(limiter.check({ minRequests: 10 })()).toEqual(verdict('warn'));
    expect(limiter.check({ minRequests: 11 })()).toEqual(passing);
  });

  it('warns at exactly warn percent, and passes just below it', async () => {
    const limiter = await halfRefused();
    expect(limiter.check({ warn: 50 })()).toEqual(verdict('warn'));
    expect(limiter.check({ warn: 50.01 })()).toEqual(passing);
  });

  it('fails at exactly fail percent; below it, warn still applies; without fail it never fails', async () => {
    const limiter = await halfRefused();
    expect(limiter.check({ fail: 50 })()).toEqual(verdict('fail'));
    expect(limiter.check({ fail: 50.01 })()).toEqual(verdict('warn'));
    expect(limiter.check({ fail: 50.01, warn: 50.01 })()).toEqual(passing);
    expect(limiter.check({ warn: 0 })()).toEqual(verdict('warn'));
  });

  it('names its window in whole seconds, from 1 to 60', async () => {
    const limiter = await halfRefused();
    expect(limiter.check({ windowMs: 10_000 })()).toEqual(verdict('warn', 10));
    expect(limiter.check({ windowMs: 1_400 })()).toEqual(verdict('warn', 1));
    expect(limiter.check({ windowMs: 400 })()).toEqual(verdict('warn', 1));
    expect(limiter.check({ windowMs: 120_000 })()).toEqual(verdict('warn', 60));
  });
});
