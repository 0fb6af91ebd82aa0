/** The README's code blocks (test/readme-examples.ts) do what the README says. */
import { SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { type Observed, observed, outcomeOf } from '../test/observed.js';
import { refusalHealthCheck, tenantPlans } from '../test/readme-examples.js';

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  let scene: Observed | undefined;
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
  });

  it('tenants: a plan per tenant, the default for others, and the worded refusal', async () => {
    scene = observed(sdk, tenantPlans());
    const connection = await scene.connect();
    const call = (tenant: string) =>
      outcomeOf(
        connection.request('tools/call', { name: 'echo', arguments: { text: 'x' }, _meta: { tenant } }),
      );
    const outcomes = [];
    for (let index = 0; index < 31; index++) outcomes.push(await call('bronze'));
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(30);
    expect(outcomes[30]).toMatchObject({ message: expect.stringContaining('bronze: 30 calls per minute') });
    expect(await call('gold')).toBe('ok');
  });
});

it('health check: the refusal rate as a non-critical readiness check', async () => {
  const { probes } = refusalHealthCheck();
  try {
    expect((await probes.readiness()).checks?.['rate-limit:refusals']).toEqual([
      {
        componentType: 'component',
        observedValue: 0,
        observedUnit: '%',
        status: 'pass',
        time: expect.any(String),
      },
    ]);
  } finally {
    probes.dispose();
  }
});
