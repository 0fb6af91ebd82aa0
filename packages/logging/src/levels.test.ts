/**
 * The level of a request's line comes from core's `errorSide`: the server's failures at error, the
 * client's mistakes and protocol flows (URL elicitation, -32042) and the tool's own error results at
 * warn, with the thrown error (`err`) only on the server's failures.
 */
import { observe } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  waitFor,
} from '@mcpscope/test-kit';
import type { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { UrlElicitationRequiredError as V1UrlElicitationRequired } from '@modelcontextprotocol/sdk/types.js';
import { UrlElicitationRequiredError as V2UrlElicitationRequired } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { captureLogger, LEVEL } from '../test/harness.js';
import { logging } from './index.js';

const elicitation = {
  mode: 'url' as const,
  elicitationId: 'auth-1',
  url: 'https://example.com/authorize',
  message: 'Authorize access first',
};

function addElicitingTool(server: ReturnType<typeof createExampleServer>, sdk: SdkVersion): void {
  (server as V1McpServer).registerTool(
    'needs_authorization',
    { description: 'Asks for URL elicitation' },
    async () => {
      throw sdk === 'v1'
        ? new V1UrlElicitationRequired([elicitation])
        : new V2UrlElicitationRequired([elicitation]);
    },
  );
}

describe.each(SDK_VERSIONS)('levels by whose business a failure is, SDK %s', (sdk) => {
  it('server failures at error with err; client mistakes, URL elicitation and tool errors at warn', async () => {
    const captured = captureLogger();
    const server = createExampleServer({ sdk });
    addElicitingTool(server, sdk);
    const client = await connectInMemory(observe(server).use(logging({ logger: captured.logger })), sdk);
    await client.callTool('echo', { text: 'fine' });
    await client.callTool('fail');
    await client.callTool('soft_fail');
    await client.callTool('add', { a: 'one', b: 2 });
    await client.callTool('no_such_tool').catch(() => undefined);
    await client.callTool('needs_authorization').catch(() => undefined);
    await client.getPrompt('greet', {}).catch(() => undefined);
    await client.getPrompt('broken').catch(() => undefined);
    await client.request('no/such_method', {}).catch(() => undefined);
    await waitFor(() => captured.requestLines().length === 10, 'ten request lines');
    await client.close();

    const table = captured
      .requestLines()
      .filter((line) => line['mcp.method.name'] !== 'initialize')
      .map((line) => [
        line.msg,
        line.level,
        line['mcp.error.side'] ?? '-',
        line['mcp.tool.error_reason'] ?? '-',
        'err' in line ? 'err' : '-',
      ]);
    // SDK 1.x answers an unknown tool with an isError result, SDK 2.x with -32602.
    const unknownTool =
      sdk === 'v1' ? 'tools/call no_such_tool tool_error' : 'tools/call no_such_tool error -32602';
    expect(table).toEqual([
      ['tools/call echo ok', LEVEL.info, '-', '-', '-'],
      ['tools/call fail tool_error', LEVEL.error, 'server', 'handler_threw', 'err'],
      ['tools/call soft_fail tool_error', LEVEL.warn, 'tool', 'handler_returned_error', '-'],
      ['tools/call add tool_error', LEVEL.warn, 'client', 'invalid_arguments', '-'],
      [unknownTool, LEVEL.warn, 'client', 'unknown_tool', '-'],
      ['tools/call needs_authorization error -32042', LEVEL.warn, 'client', '-', '-'],
      ['prompts/get greet error -32602', LEVEL.warn, 'client', '-', '-'],
      ['prompts/get broken error -32603', LEVEL.error, 'server', '-', 'err'],
      ['no/such_method error -32601', LEVEL.warn, 'client', '-', '-'],
    ]);
    const elicitationLine = captured
      .requestLines()
      .find((line) => line['gen_ai.tool.name'] === 'needs_authorization');
    expect(elicitationLine).toMatchObject({
      'mcp.request.outcome': 'error',
      'error.type': '-32042',
      'rpc.response.status_code': '-32042',
    });
    // SDK 1.x prefixes the message with the code.
    expect(elicitationLine!['error.message']).toMatch(/^(MCP error -32042: )?URL elicitation required$/);
    expect(captured.lines.filter((line) => line.level >= LEVEL.error)).toHaveLength(2);
  });
});
