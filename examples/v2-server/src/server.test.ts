/** The SDK 2.x example: createMcpHandler builds a server per request; one set of plugins sees them all. */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningV2Server, startWeatherV2Server } from './server.js';

let running: RunningV2Server;
beforeAll(async () => {
  running = await startWeatherV2Server({ port: 0 });
});
afterAll(async () => {
  await running?.close();
});

async function connect(modern: boolean): Promise<Client> {
  const client = new Client(
    { name: modern ? 'modern-agent' : 'legacy-agent', version: '2.0.0' },
    modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : undefined,
  );
  await client.connect(new StreamableHTTPClientTransport(running.url));
  return client;
}

describe('the SDK 2.x example', () => {
  it('serves modern (2026-07-28) and legacy (2025) clients, and records both in one set of metrics', async () => {
    const modern = await connect(true);
    const legacy = await connect(false);
    const forecast = await modern.callTool({ name: 'get_forecast', arguments: { city: 'Lisbon', days: 1 } });
    expect(forecast.content).toEqual([{ type: 'text', text: 'Lisbon: day 1 16°C' }]);
    expect((await legacy.callTool({ name: 'radar_image', arguments: { station: 'LIS' } })).isError).toBe(
      true,
    );
    await expect(modern.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow();
    await modern.close();
    await legacy.close();

    const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
    const count = (filter: string[]) =>
      metrics
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('mcp_server_operation_duration_seconds_count') &&
            filter.every((part) => line.includes(part)),
        )
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    expect(
      count(['gen_ai_tool_name="get_forecast"', 'mcp_protocol_version="2026-07-28"', 'outcome="ok"']),
    ).toBe(1);
    expect(count(['gen_ai_tool_name="radar_image"', 'mcp_tool_error_reason="handler_threw"'])).toBe(1);
    expect(
      count(['gen_ai_tool_name="_OTHER"', 'error_type="-32602"', 'mcp_tool_error_reason="unknown_tool"']),
    ).toBe(1);
    expect(count(['mcp_method_name="tools/call"'])).toBe(3);
    expect((await fetch(`${running.baseUrl}/readyz`)).status).toBe(200);
  });
});
