/**
 * Without `Sentry.init` the plugin does nothing and says so once, on stderr; with a client that has no
 * DSN (Sentry switched off on purpose) it stays quiet. This file never initialises Sentry with a DSN.
 */
import { observe, endpointFacts } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sentry } from './index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function writesMentioning(spy: { mock: { calls: unknown[][] } }, text: string): number {
  return spy.mock.calls.filter((call) => String(call[0]).includes(text)).length;
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('without a Sentry client: requests work, one line on stderr, nothing on stdout', async () => {
    expect(Sentry.getClient()).toBeUndefined();
    const stderr = vi.spyOn(process.stderr, 'write');
    const stdout = vi.spyOn(process.stdout, 'write');
    const plugin = sentry();
    const server = observe(createExampleServer({ sdk })).use(plugin);
    const client = await connectInMemory(server, sdk);
    expect((await client.callTool('echo', { text: 'still works' })).content).toEqual([
      { type: 'text', text: 'still works' },
    ]);
    expect((await client.callTool('fail')).isError).toBe(true);
    expect((await client.callTool('fail')).isError).toBe(true);
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    await client.close();
    await server.close();
    await plugin.close?.();

    expect(writesMentioning(stderr, '@mcpscope/sentry')).toBe(1);
    expect(writesMentioning(stderr, 'Sentry is not initialised')).toBe(1);
    expect(writesMentioning(stdout, 'mcpscope')).toBe(0);
  });
});

it('with a client that has no DSN: quiet, and the requests work', async () => {
  Sentry.init({});
  expect(Sentry.getClient()?.getDsn()).toBeUndefined();
  const stderr = vi.spyOn(process.stderr, 'write');
  const server = observe(createExampleServer({ sdk: 'v1' })).use(sentry());
  const client = await connectInMemory(server, 'v1');
  expect((await client.callTool('fail')).isError).toBe(true);
  await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
  await client.close();
  await server.close();
  expect(writesMentioning(stderr, 'mcpscope')).toBe(0);
});
