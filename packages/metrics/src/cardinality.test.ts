import { observe } from '@mcpscope/core';
import { connectRaw, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseExposition, select } from '../test/exposition-parser.js';
import { metrics } from './index.js';

const request = (id: number, method: string, params: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method,
  params,
});

async function seriesCounts(registry: Registry): Promise<Record<string, number>> {
  const samples = parseExposition(await registry.metrics());
  const counts: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.name.endsWith('_bucket') || sample.name.endsWith('_sum')) continue;
    counts[sample.name] = (counts[sample.name] ?? 0) + 1;
  }
  return counts;
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('a client sending thousands of distinct tool, prompt, method and notification names adds a constant number of series', async () => {
    const registry = new Registry();
    const server = observe(createExampleServer({ sdk })).use(metrics({ registry }));
    const raw = await connectRaw(server, sdk);
    await raw.send(
      request(0, 'initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'attacker', version: '1.0.0' },
      }),
    );
    await waitFor(() => raw.received.length === 1, 'initialize answer');
    await raw.send({ jsonrpc: '2.0', method: 'notifications/initialized' });

    let id = 1;
    const attack = async (distinctNames: number): Promise<void> => {
      const expected = raw.received.length + distinctNames * 3;
      for (let index = 0; index < distinctNames; index++) {
        const name = `name_${id}_${index}`;
        await raw.send(request(id++, 'tools/call', { name, arguments: {} }));
        await raw.send(request(id++, 'prompts/get', { name }));
        await raw.send(request(id++, `custom/${name}`));
        await raw.send({ jsonrpc: '2.0', method: `notifications/${name}` });
      }
      await waitFor(() => raw.received.length === expected, 'every answer', 30_000);
    };

    await attack(3);
    const before = await seriesCounts(registry);
    await attack(10_000);
    const after = await seriesCounts(registry);
    expect(after).toEqual(before);

    const samples = parseExposition(await registry.metrics());
    const calls = select(samples, 'mcp_server_operation_duration_seconds_count', {
      mcp_method_name: 'tools/call',
    });
    expect(calls.map((sample) => [sample.labels.gen_ai_tool_name, sample.value])).toEqual([
      ['_OTHER', 10_003],
    ]);
    const prompts = select(samples, 'mcp_server_operation_duration_seconds_count', {
      mcp_method_name: 'prompts/get',
    });
    expect(prompts.map((sample) => [sample.labels.gen_ai_prompt_name, sample.value])).toEqual([
      ['_OTHER', 10_003],
    ]);
    const custom = select(samples, 'mcp_server_operation_duration_seconds_count', {
      mcp_method_name: '_OTHER',
    });
    expect(custom.map((sample) => [sample.labels.error_type, sample.value])).toEqual([['-32601', 10_003]]);
    const notifications = select(samples, 'mcp_server_notifications_total', {
      mcp_notification_direction: 'inbound',
    });
    expect(notifications.map((sample) => [sample.labels.mcp_method_name, sample.value]).sort()).toEqual([
      ['_OTHER', 10_003],
      ['notifications/initialized', 1],
    ]);
    // Session and request ids never become labels.
    const labelNames = new Set(samples.flatMap((sample) => Object.keys(sample.labels)));
    expect([...labelNames].filter((name) => /session|request_id|jsonrpc/.test(name))).toEqual([]);
    await raw.close();
  });
});
