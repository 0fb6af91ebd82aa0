import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import { Counter, Histogram, Registry, register } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../test/eventually.js';
import { parseExposition, select, total } from '../test/exposition-parser.js';
import { scrapeRegistry } from '../test/scrape.js';
import { metrics } from './index.js';

const DURATION = 'mcp_server_operation_duration_seconds';
afterEach(() => register.clear());

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('one plugin instance attached to two servers records into one set of series', async () => {
    const registry = new Registry();
    const plugin = metrics({ registry });
    const first = observe(createExampleServer({ sdk })).use(plugin);
    const second = observe(createExampleServer({ sdk })).use(plugin);
    first.use(plugin); // attaching again is a no-op
    const one = await connectInMemory(first, sdk);
    const two = await connectInMemory(second, sdk);
    for (let index = 0; index < 2; index++) await one.callTool('echo', { text: 'one' });
    for (let index = 0; index < 3; index++) await two.callTool('echo', { text: 'two' });

    const samples = await scrapeRegistry(registry);
    expect(
      select(samples, `${DURATION}_count`, { gen_ai_tool_name: 'echo' }).map((sample) => sample.value),
    ).toEqual([5]);
    expect(total(samples, 'mcp_server_active_sessions')).toBe(2);
    await one.close();
    await two.close();
    await eventually(async () => {
      const after = await scrapeRegistry(registry);
      expect(total(after, 'mcp_server_active_sessions')).toBe(0);
      expect(total(after, 'mcp_server_session_duration_seconds_count')).toBe(2);
    });
  });

  it('two plugin instances on one registry (metrics() called per server) share series without errors', async () => {
    const registry = new Registry();
    const servers = [0, 1, 2].map(() => observe(createExampleServer({ sdk })).use(metrics({ registry })));
    const clients = await Promise.all(servers.map((server) => connectInMemory(server, sdk)));
    for (const client of clients) await client.callTool('add', { a: 1, b: 2 });

    const abort = new AbortController();
    const slow = clients[0]!
      .callTool('slow', { ms: 20_000 }, { signal: abort.signal })
      .catch(() => undefined);
    await eventually(async () =>
      expect(
        total(await scrapeRegistry(registry), 'mcp_server_active_requests', {
          mcp_method_name: 'tools/call',
        }),
      ).toBe(1),
    );
    abort.abort();
    await slow;
    const samples = await scrapeRegistry(registry);
    expect(total(samples, `${DURATION}_count`, { gen_ai_tool_name: 'add' })).toBe(3);
    expect(select(samples, 'mcp_server_active_requests', { mcp_method_name: 'tools/call' })).toHaveLength(1);
    for (const client of clients) await client.close();
  });
});

describe('reusing metrics already in a registry', () => {
  it('a reloaded module reuses the metrics (and in-flight counters) registered by the previous copy', async () => {
    const registry = new Registry();
    const before = metrics({ registry });
    const histogram = registry.getSingleMetric(DURATION);
    vi.resetModules();
    const reloaded = await import('./index.js');
    expect(reloaded.metrics).not.toBe(metrics);
    const after = reloaded.metrics({ registry });
    expect(registry.getSingleMetric(DURATION)).toBe(histogram);

    const server = observe(createExampleServer({ sdk: 'v1' })).use(after);
    const client = await connectInMemory(server, 'v1');
    await client.callTool('echo', { text: 'after reload' });
    const old = observe(createExampleServer({ sdk: 'v1' })).use(before);
    const oldClient = await connectInMemory(old, 'v1');
    await oldClient.callTool('echo', { text: 'before reload' });
    const samples = await scrapeRegistry(registry);
    expect(total(samples, `${DURATION}_count`, { gen_ai_tool_name: 'echo' })).toBe(2);
    expect(select(samples, 'mcp_server_active_requests', { mcp_method_name: 'tools/call' })).toEqual([
      { name: 'mcp_server_active_requests', labels: { mcp_method_name: 'tools/call' }, value: 0 },
    ]);
    await client.close();
    await oldClient.close();
  });

  it('metrics created with other options are replaced, not a reason to throw', async () => {
    const registry = new Registry();
    metrics({ registry });
    const plugin = metrics({ registry, buckets: [0.5, 1] });
    const server = observe(createExampleServer({ sdk: 'v1' })).use(plugin);
    const client = await connectInMemory(server, 'v1');
    await client.callTool('echo', { text: 'hi' });
    await client.close();
    const buckets = select(parseExposition(await registry.metrics()), `${DURATION}_bucket`, {
      gen_ai_tool_name: 'echo',
    });
    expect(buckets.map((sample) => sample.labels.le)).toEqual(['0.5', '1', '+Inf']);
  });

  it('a metric of the same name registered by other code is a clear error', () => {
    const registry = new Registry();
    new Histogram({ name: DURATION, help: 'mine', registers: [registry] });
    expect(() => metrics({ registry })).toThrow(/already registered in this registry by other code/);
    const other = new Registry();
    new Counter({ name: 'weather_mcp_server_notifications_total', help: 'mine', registers: [other] });
    expect(() => metrics({ registry: other, prefix: 'weather_' })).toThrow(
      /pass another `registry` or a `prefix`/,
    );
    expect(() => metrics({ registry: other })).not.toThrow();
  });

  it("records into prom-client's global registry by default", () => {
    const plugin = metrics();
    expect(plugin.registry).toBe(register);
    expect(register.getSingleMetric(DURATION)).toBeDefined();
    expect(() => metrics()).not.toThrow();
  });
});
