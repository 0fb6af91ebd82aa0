/**
 * Transport-level client mistakes over real Streamable HTTP (a server per session, as in
 * examples/http-server): malformed JSON and a request before `initialize` are logged at warn, on the
 * client's side, without the body the client sent; answers stay the SDK's own 400s.
 */
import { observe } from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  type RunningHttpServer,
  SDK_VERSIONS,
  startHttpServer,
  waitFor,
} from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, LEVEL, type LogLine } from '../test/harness.js';
import { logging } from './index.js';

const CANARY = 'canary-body-7d2e91';
const running: RunningHttpServer[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

function post(url: URL, body: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body,
  });
}

const transportLines = (lines: LogLine[]) => lines.filter((line) => line.msg.startsWith('transport'));

describe.each(SDK_VERSIONS)('transport errors over Streamable HTTP, SDK %s', (sdk) => {
  it('junk and a request before initialize: warn lines on the client’s side, no body', async () => {
    const captured = captureLogger();
    const plugin = logging({ logger: captured.logger });
    const server = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(createExampleServer({ sdk })).use(plugin),
    });
    running.push(server);

    const junk = await post(server.url, `{"jsonrpc": "2.0", "method": "${CANARY}`);
    expect(junk.status).toBe(400);
    await junk.text();
    const early = await post(
      server.url,
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: CANARY } },
      }),
    );
    expect(early.status).toBe(400);
    await early.text();
    await waitFor(() => transportLines(captured.lines).length === 2, 'two transport lines');

    const fields = ['level', 'msg', 'mcp.error.side', 'error.type', 'error.message', 'err', 'mcp.transport'];
    const shown = transportLines(captured.lines).map((line) =>
      Object.fromEntries(fields.filter((key) => key in line).map((key) => [key, line[key]])),
    );
    const rejected = {
      level: LEVEL.warn,
      msg: 'transport rejected a message from the client',
      'mcp.error.side': 'client',
      'mcp.transport': 'streamable-http',
    };
    expect(shown).toEqual([
      // SDK 1.x reports its own words; SDK 2.x the SyntaxError of JSON.parse, which quotes the text it
      // could not parse: its message is not logged.
      sdk === 'v1'
        ? { ...rejected, 'error.type': 'Error', 'error.message': 'Parse error: Invalid JSON' }
        : { ...rejected, 'error.type': 'SyntaxError' },
      { ...rejected, 'error.type': 'Error', 'error.message': 'Bad Request: Server not initialized' },
    ]);
    expect(captured.text()).not.toContain(CANARY);
    expect(captured.lines.filter((line) => line.level >= LEVEL.error)).toEqual([]);

    // A real client is served and logged as usual next to them.
    const client = await connectHttp(sdk, server.url);
    await client.callTool('echo', { text: 'hello' });
    await client.close();
    await waitFor(() => captured.requestLines('tools/call').length === 1, 'the request line');
  });
});

describe.each(SDK_VERSIONS)('a failure of the server’s side of the transport, SDK %s', (sdk) => {
  it('is logged at error with the error', async () => {
    const captured = captureLogger();
    const server = observe(createExampleServer({ sdk })).use(logging({ logger: captured.logger }));
    const client = await connectInMemory(server, sdk);
    const transport = (server as unknown as { server: { transport: { onerror?: (error: Error) => void } } })
      .server.transport;
    transport.onerror?.(new Error('socket reset while writing'));
    await client.close();
    expect(transportLines(captured.lines)).toEqual([
      expect.objectContaining({
        level: LEVEL.error,
        msg: 'transport failed',
        'mcp.error.side': 'server',
        'error.type': 'Error',
        err: expect.objectContaining({ type: 'Error', message: 'socket reset while writing' }),
      }),
    ]);
  });
});
