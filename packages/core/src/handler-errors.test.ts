import { connectInMemory, SDK_VERSIONS, type SdkVersion, waitFor } from '@mcpscope/test-kit';
import { Server as V1Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpServer as V2McpServer, Server as V2Server } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingPlugin } from '../test/recording-plugin.js';
import { observe } from './index.js';

type AnyMcpServer = V1McpServer | V2McpServer;

/** A server whose handlers throw one known error object each, registered before observe. */
function serverThrowing(sdk: SdkVersion, errors: Record<string, Error>, runs: Map<string, number>) {
  const run = (name: string) => runs.set(name, (runs.get(name) ?? 0) + 1);
  const server: AnyMcpServer =
    sdk === 'v1'
      ? new V1McpServer({ name: 'errors', version: '1' })
      : new V2McpServer({ name: 'errors', version: '1' });
  const schema = sdk === 'v1' ? { value: z.number() } : z.object({ value: z.number() });
  type Register = (name: string, config: object, callback: (...args: never[]) => unknown) => void;
  const registerTool = server.registerTool.bind(server) as unknown as Register;
  const registerPrompt = server.registerPrompt.bind(server) as unknown as Register;
  const registerResource = server.registerResource.bind(server) as unknown as (
    name: string,
    uri: string,
    config: object,
    callback: () => unknown,
  ) => void;
  registerTool('explode', { inputSchema: schema }, async () => {
    run('explode');
    throw errors.tool;
  });
  registerTool(
    'bad_output',
    {
      inputSchema: schema,
      outputSchema: sdk === 'v1' ? { total: z.number() } : z.object({ total: z.number() }),
    },
    async () => {
      run('bad_output');
      return { content: [], structuredContent: { total: 'not a number' } };
    },
  );
  registerPrompt('explode', {}, () => {
    run('prompt');
    throw errors.prompt;
  });
  registerResource('explode', 'explode://now', {}, async () => {
    run('resource');
    throw errors.resource;
  });
  return server;
}

describe.each(SDK_VERSIONS)('SDK %s: original errors', (sdk) => {
  it('hands each handler’s own error object to the end event, running each handler once', async () => {
    const errors = {
      tool: new Error('tool broke'),
      prompt: new Error('prompt broke'),
      resource: new Error('resource broke'),
    };
    const runs = new Map<string, number>();
    const plugin = recordingPlugin();
    const server = serverThrowing(sdk, errors, runs);
    observe(server).use(plugin);
    const client = await connectInMemory(server, sdk);

    const toolResult = await client.callTool('explode', { value: 1 });
    expect(toolResult.isError).toBe(true);
    await expect(client.getPrompt('explode')).rejects.toThrow('prompt broke');
    await expect(client.readResource('explode://now')).rejects.toThrow('resource broke');
    await client.callTool('bad_output', { value: 1 }).catch(() => undefined);
    await waitFor(() => plugin.inFlight === 0, 'requests to end');

    const [tool, prompt, resource, badOutput] = plugin.ended.filter(
      (request) => request.method !== 'initialize',
    );
    expect(tool?.error).toBe(errors.tool);
    expect(tool?.toolErrorReason).toBe('handler_threw');
    expect(prompt?.error).toBe(errors.prompt);
    expect(prompt?.outcome).toBe('error');
    expect(resource?.error).toBe(errors.resource);
    expect(badOutput?.toolErrorReason).toBe('invalid_output');
    expect(Object.fromEntries(runs)).toEqual({ explode: 1, prompt: 1, resource: 1, bad_output: 1 });
    await client.close();
  });

  it('keeps errors thrown by a low-level Server handler, and learns tool names from tools/list', async () => {
    const failure = new Error('low-level handler broke');
    let runs = 0;
    const server =
      sdk === 'v1'
        ? new V1Server({ name: 'low', version: '1' }, { capabilities: { tools: {} } })
        : new V2Server({ name: 'low', version: '1' }, { capabilities: { tools: {} } });
    const listTools = () => ({ tools: [{ name: 'known', inputSchema: { type: 'object' as const } }] });
    const callTool = () => {
      runs++;
      throw failure;
    };
    if (sdk === 'v1') {
      (server as V1Server).setRequestHandler(ListToolsRequestSchema, listTools);
      (server as V1Server).setRequestHandler(CallToolRequestSchema, callTool);
    } else {
      (server as V2Server).setRequestHandler('tools/list', listTools);
      (server as V2Server).setRequestHandler('tools/call', callTool);
    }
    const plugin = recordingPlugin();
    observe(server).use(plugin);
    const client = await connectInMemory(server as never, sdk);
    await expect(client.callTool('known')).rejects.toThrow('low-level handler broke');
    await client.request('tools/list');
    await expect(client.callTool('known')).rejects.toThrow('low-level handler broke');
    await waitFor(() => plugin.inFlight === 0, 'requests to end');
    const calls = plugin.endedFor('tools/call');
    expect(calls.map((request) => [request.error, request.errorType, request.targetRegistered])).toEqual([
      [failure, '-32603', false],
      [failure, '-32603', true],
    ]);
    expect(runs).toBe(2);
    await client.close();
  });

  it('covers tools registered after observe', async () => {
    const plugin = recordingPlugin();
    const server: AnyMcpServer =
      sdk === 'v1'
        ? new V1McpServer({ name: 'late', version: '1' })
        : new V2McpServer({ name: 'late', version: '1' });
    observe(server).use(plugin);
    const failure = new Error('registered late');
    (
      server.registerTool.bind(server) as unknown as (
        name: string,
        config: object,
        callback: () => never,
      ) => void
    )('late', {}, () => {
      throw failure;
    });
    const client = await connectInMemory(server, sdk);
    await client.callTool('late');
    await waitFor(() => plugin.inFlight === 0, 'requests to end');
    expect(plugin.endedFor('tools/call')[0]?.error).toBe(failure);
    await client.close();
  });
});
