/** Core decides once whose business each failure is; every plugin reads `errorSide` from the facts. */

import { connectInMemory, connectRaw, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import type { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { UrlElicitationRequiredError as V1UrlElicitationRequired } from '@modelcontextprotocol/sdk/types.js';
import {
  type McpServer as V2McpServer,
  UrlElicitationRequiredError as V2UrlElicitationRequired,
} from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { initializeRaw } from '../test/raw-session.js';
import { recordingPlugin } from '../test/recording-plugin.js';
import { observe } from './index.js';

const elicitation = {
  mode: 'url' as const,
  elicitationId: 'auth-1',
  url: 'https://example.com/authorize',
  message: 'Authorize access first',
};

function addElicitingTool(server: V1McpServer | V2McpServer, sdk: 'v1' | 'v2'): void {
  const handler = async () => {
    throw sdk === 'v1'
      ? new V1UrlElicitationRequired([elicitation])
      : new V2UrlElicitationRequired([elicitation]);
  };
  (server as V1McpServer).registerTool(
    'needs_authorization',
    { description: 'Asks for URL elicitation' },
    handler,
  );
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('says whose business each failure is', async () => {
    const recorder = recordingPlugin();
    const server = createExampleServer({ sdk });
    addElicitingTool(server, sdk);
    const client = await connectInMemory(observe(server).use(recorder), sdk);
    await client.callTool('echo', { text: 'fine' });
    await client.callTool('fail');
    await client.callTool('soft_fail');
    await client.callTool('add', { a: 'one', b: 2 });
    await client.callTool('no_such_tool').catch(() => undefined);
    await client.callTool('needs_authorization').catch(() => undefined);
    await client.getPrompt('greet', {}).catch(() => undefined);
    await client.request('no/such_method', {}).catch(() => undefined);
    await waitFor(() => recorder.inFlight === 0 && recorder.ended.length === 9, 'nine requests');
    const summary = recorder.ended
      .filter((request) => request.method !== 'initialize')
      .map((request) =>
        [
          request.method,
          request.target,
          request.outcome,
          request.errorType,
          request.toolErrorReason,
          request.errorSide,
        ]
          .map((part) => part ?? '-')
          .join(' '),
      );
    expect(summary).toEqual([
      'tools/call echo ok - - -',
      'tools/call fail tool_error tool_error handler_threw server',
      'tools/call soft_fail tool_error tool_error handler_returned_error tool',
      'tools/call add tool_error tool_error invalid_arguments client',
      sdk === 'v1'
        ? 'tools/call no_such_tool tool_error tool_error unknown_tool client'
        : 'tools/call no_such_tool error -32602 unknown_tool client',
      // A URL elicitation is a flow the client must follow, not a tool failure.
      'tools/call needs_authorization error -32042 - client',
      'prompts/get greet error -32602 - client',
      'no/such_method - error -32601 - client',
    ]);
    await client.close();
  });

  it('gives params that fail the SDK’s own request schema to the client, whatever code the SDK answers with', async () => {
    const recorder = recordingPlugin();
    const connection = await connectRaw(observe(createExampleServer({ sdk })).use(recorder), sdk);
    await initializeRaw(connection);
    await connection.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: { not: 'a string' } },
    });
    await connection.send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'echo', arguments: 'text' },
    });
    await waitFor(() => recorder.ended.length === 3, 'three requests');
    const codes = connection.received
      .map((message) => (message as { error?: { code: number } }).error?.code)
      .filter((code) => code !== undefined);
    // SDK 1.x says -32603 (its schema's ZodError), 2.x -32602; either way the client sent it.
    expect(codes).toEqual(sdk === 'v1' ? [-32603, -32603] : [-32602, -32602]);
    expect(recorder.ended.slice(1).map((request) => [request.outcome, request.errorSide])).toEqual([
      ['error', 'client'],
      ['error', 'client'],
    ]);
    await connection.close();
  });
});
