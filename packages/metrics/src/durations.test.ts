/**
 * Durations are recorded in seconds, as the conventions ask: each histogram's sum is exactly core's
 * `durationMs / 1000` of what it measured (server operations, sessions, and a server's own requests to
 * its client).
 */
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { select } from '../test/exposition-parser.js';
import { addPingClientTool } from '../test/plugins.js';
import { scrapeRegistry } from '../test/scrape.js';
import { metrics } from './index.js';

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('operation, session and client operation sums are durationMs / 1000', async () => {
    const registry = new Registry();
    const inbound = new Map<string, number | undefined>();
    const outbound: (number | undefined)[] = [];
    const sessions: (number | undefined)[] = [];
    const server = observe(createExampleServer({ sdk })).use(metrics({ registry }), {
      name: 'durations',
      onRequestEnd: (request) => {
        if (request.method === 'tools/call') inbound.set(request.target!, request.durationMs);
      },
      onOutboundRequestEnd: (request) => {
        outbound.push(request.durationMs);
      },
      onSessionEnd: (session) => {
        sessions.push(session.durationMs);
      },
    });
    addPingClientTool(server);
    const client = await connectInMemory(server, sdk);
    await client.callTool('slow', { ms: 20 });
    await client.callTool('ping_client');
    await client.close();
    await waitFor(() => sessions.length === 1, 'the session to end');

    const samples = await scrapeRegistry(registry);
    const sums = (name: string) => select(samples, name).map((sample) => sample.value);
    expect(
      select(samples, 'mcp_server_operation_duration_seconds_sum', { mcp_method_name: 'tools/call' }).map(
        (sample) => [sample.labels.gen_ai_tool_name, sample.value],
      ),
    ).toEqual([
      ['slow', inbound.get('slow')! / 1000],
      ['ping_client', inbound.get('ping_client')! / 1000],
    ]);
    expect(outbound).toHaveLength(1);
    expect(sums('mcp_client_operation_duration_seconds_sum')).toEqual([outbound[0]! / 1000]);
    expect(sums('mcp_server_session_duration_seconds_sum')).toEqual([sessions[0]! / 1000]);
  });
});
