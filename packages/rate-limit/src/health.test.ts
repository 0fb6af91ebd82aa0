import { type CheckFunction, type HealthPlugin, health } from '@mcpscope/health';
import { SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../test/manual-clock.js';
import { countOutcomes, echoCalls, type Observed, observed } from '../test/observed.js';
import { rateLimit } from './rate-limit.js';

describe.each(SDK_VERSIONS)('the health plugin reporting sustained refusal, SDK %s', (sdk) => {
  let scene: Observed | undefined;
  let probes: HealthPlugin | undefined;
  afterEach(async () => {
    await scene?.close();
    probes?.dispose();
    scene = undefined;
    probes = undefined;
  });

  const setUp = async (critical: boolean) => {
    const clock = new ManualClock();
    const limiter = rateLimit({ client: { limit: 10, windowMs: 3_600_000 }, clock });
    const check: CheckFunction = limiter.check({ warn: 10, fail: 50 });
    probes = health({ shutdown: false, checks: { 'rate-limit:refusals': { check, critical } } });
    scene = observed(sdk, limiter, probes);
    const connection = await scene.connect();
    return { clock, connection };
  };

  it('shows the refusal rate as a warning that keeps the server ready when not critical', async () => {
    const { connection } = await setUp(false);
    expect((await probes!.readiness()).checks?.['rate-limit:refusals']).toEqual([
      expect.objectContaining({ status: 'pass', observedValue: 0, observedUnit: '%' }),
    ]);
    expect(await countOutcomes(echoCalls(connection, 15))).toEqual({ ok: 10, refused: 5 });
    const report = await probes!.readiness();
    expect(report.checks?.['rate-limit:refusals']).toEqual([
      expect.objectContaining({
        status: 'warn',
        observedValue: 33.33,
        observedUnit: '%',
        componentType: 'component',
        output: '5 of 15 requests refused in the last 60 s (33.33%)',
      }),
    ]);
    expect(report.status).toBe('warn');
  });

  it('fails readiness on sustained refusal when critical', async () => {
    const { clock, connection } = await setUp(true);
    expect(await countOutcomes(echoCalls(connection, 20))).toEqual({ ok: 10, refused: 10 });
    expect((await probes!.readiness()).status).toBe('fail');
    // A minute later the refusals are behind us.
    clock.advance(61_000);
    expect((await probes!.readiness()).checks?.['rate-limit:refusals']).toEqual([
      expect.objectContaining({ status: 'pass', observedValue: 0 }),
    ]);
  });
});
