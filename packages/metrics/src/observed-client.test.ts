/**
 * `observe(client).use(metrics())`: a real MCP Client of each SDK, observed, against a real server over
 * Streamable HTTP on 127.0.0.1. What the client sends is `mcp_client_operation_duration_seconds`, with
 * the server histogram's labels; tool names are bounded by what the server listed.
 */
import { observe } from '@mcpscope/core';
import { createExampleServer, SDK_VERSIONS, type SdkVersion, startHttpServer } from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { select, total } from '../test/exposition-parser.js';
import { scrapeRegistry } from '../test/scrape.js';
import { metrics } from './index.js';

interface SdkClient {
  connect(transport: unknown): Promise<void>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
  listTools(): Promise<unknown>;
  close(): Promise<void>;
}

async function newClient(sdk: SdkVersion, url: URL): Promise<{ client: SdkClient; transport: unknown }> {
  if (sdk === 'v1') {
    const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    ]);
    return {
      client: new Client({ name: 'observed-client', version: '1.0.0' }) as unknown as SdkClient,
      transport: new StreamableHTTPClientTransport(url),
    };
  }
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  return {
    client: new Client({ name: 'observed-client', version: '1.0.0' }) as unknown as SdkClient,
    transport: new StreamableHTTPClientTransport(url),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('an observed client records what it sends, with bounded tool names', async () => {
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => createExampleServer({ sdk }),
    });
    cleanups.push(() => http.close());
    const registry = new Registry();
    const { client, transport } = await newClient(sdk, http.url);
    observe(client).use(metrics({ registry }));
    await client.connect(transport);
    cleanups.push(() => client.close());

    // Before tools/list the client knows no tool names: the name folds.
    await client.callTool({ name: 'echo', arguments: { text: 'early' } });
    await client.listTools();
    await client.callTool({ name: 'echo', arguments: { text: 'one' } });
    await client.callTool({ name: 'echo', arguments: { text: 'two' } });
    await client.callTool({ name: 'fail' });
    await client.callTool({ name: 'no_such_tool' }).catch(() => undefined);

    const samples = await scrapeRegistry(registry);
    const sent = select(samples, 'mcp_client_operation_duration_seconds_count');
    const version = sent[1]!.labels.mcp_protocol_version!;
    expect(version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const row = (labels: Record<string, string>) => ({
      gen_ai_tool_name: '',
      gen_ai_prompt_name: '',
      gen_ai_operation_name: '',
      error_type: '',
      rpc_response_status_code: '',
      mcp_error_side: '',
      mcp_request_outcome: 'ok',
      mcp_protocol_version: version,
      network_transport: 'tcp',
      network_protocol_name: 'http',
      ...labels,
    });
    const call = (labels: Record<string, string>) =>
      row({ mcp_method_name: 'tools/call', gen_ai_operation_name: 'execute_tool', ...labels });
    const unknownTool =
      sdk === 'v1'
        ? { error_type: 'tool_error', mcp_error_side: 'tool', mcp_request_outcome: 'tool_error' }
        : {
            error_type: '-32602',
            rpc_response_status_code: '-32602',
            mcp_error_side: 'client',
            mcp_request_outcome: 'error',
          };
    expect(sent.map((sample) => [sample.labels, sample.value])).toEqual([
      [row({ mcp_method_name: 'initialize', mcp_protocol_version: '' }), 1],
      [call({ gen_ai_tool_name: '_OTHER' }), 1],
      [row({ mcp_method_name: 'tools/list' }), 1],
      [call({ gen_ai_tool_name: 'echo' }), 2],
      [
        call({
          gen_ai_tool_name: 'fail',
          error_type: 'tool_error',
          mcp_error_side: 'tool',
          mcp_request_outcome: 'tool_error',
        }),
        1,
      ],
      [call({ gen_ai_tool_name: '_OTHER', ...unknownTool }), 1],
    ]);
    // A client serves no sessions and handled no requests.
    expect(total(samples, 'mcp_server_operation_duration_seconds_count')).toBe(0);
    expect(total(samples, 'mcp_server_active_sessions')).toBe(0);
    expect(total(samples, 'mcp_server_session_duration_seconds_count')).toBe(0);
  });

  it('a client’s own session and transport failures are not counted as a server’s', async () => {
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => createExampleServer({ sdk }),
    });
    const registry = new Registry();
    const failures: string[] = [];
    const { client, transport } = await newClient(sdk, http.url);
    observe(client).use(metrics({ registry }), {
      name: 'failures',
      onTransportError: ({ side }) => {
        failures.push(side);
      },
    });
    await client.connect(transport);
    await client.callTool({ name: 'echo', arguments: { text: 'before' } });
    // The server goes away: the client's transport fails on its next request.
    await http.close();
    await expect(client.callTool({ name: 'echo', arguments: { text: 'after' } })).rejects.toThrow();
    await client.close();

    // The first failure is the request the client could not send (its own side failed).
    expect(failures[0]).toBe('server');
    const samples = await scrapeRegistry(registry);
    expect(
      select(samples, 'mcp_server_transport_errors_total').map((sample) => [
        sample.labels.mcp_error_side,
        sample.value,
      ]),
    ).toEqual([
      ['client', 0],
      ['server', 0],
    ]);
    expect(select(samples, 'mcp_server_active_sessions').map((sample) => sample.value)).toEqual([0]);
    expect(select(samples, 'mcp_server_session_duration_seconds_count')).toEqual([]);
  });
});
