/**
 * An observed server answers over HTTP exactly as the bare server does, down to the framing: a response
 * the bare server sends with Content-Length is not turned into a chunked one by core's wrappers.
 */
import { createExampleServer, SDK_VERSIONS, type SdkVersion, startHttpServer } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingPlugin } from '../test/recording-plugin.js';
import { type McpscopePlugin, observe } from './index.js';

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

interface Exchange {
  readonly status: number;
  readonly framing: string;
  readonly contentType: string | null;
  readonly body: string;
}

async function post(
  url: URL,
  body: unknown,
  sessionId?: string,
): Promise<Exchange & { sessionId: string | null }> {
  const response = await fetch(url, {
    method: 'POST',
    headers:
      sessionId === undefined
        ? HEADERS
        : { ...HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const framing =
    response.headers.get('transfer-encoding') ??
    (response.headers.has('content-length') ? 'content-length' : 'none');
  return {
    status: response.status,
    framing,
    contentType: response.headers.get('content-type'),
    body: text,
    sessionId: response.headers.get('mcp-session-id'),
  };
}

const contextPlugin: McpscopePlugin = {
  name: 'context',
  requestContext: true,
  aroundRequest: (_, dispatch) => dispatch(),
};

async function exchanges(sdk: SdkVersion, observed: boolean): Promise<Exchange[]> {
  const running = await startHttpServer({
    sdk,
    mode: 'stateful',
    createServer: () => {
      const server = createExampleServer({ sdk });
      return observed ? observe(server).use(recordingPlugin(), contextPlugin) : server;
    },
  });
  servers.push(running);
  const init = await post(running.url, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  const sessionId = init.sessionId!;
  await post(running.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId);
  const calls = [
    { method: 'tools/list' },
    { method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } },
    { method: 'tools/call', params: { name: 'fail', arguments: {} } },
    { method: 'tools/call', params: { name: 'add', arguments: { a: 'x' } } },
    { method: 'prompts/get', params: { name: 'greet', arguments: { name: 'Ada' } } },
    { method: 'prompts/get', params: { name: 'broken', arguments: {} } },
    { method: 'prompts/get', params: { name: 'greet', arguments: {} } },
    { method: 'resources/read', params: { uri: 'config://app' } },
    { method: 'resources/read', params: { uri: 'broken://resource' } },
    { method: 'no/such_method' },
  ];
  const results: Exchange[] = [];
  for (const [index, call] of calls.entries()) {
    const { sessionId: _, ...exchange } = await post(
      running.url,
      { jsonrpc: '2.0', id: index + 2, ...call },
      sessionId,
    );
    results.push(exchange);
  }
  return results;
}

const servers: Awaited<ReturnType<typeof startHttpServer>>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe.each(SDK_VERSIONS)('SDK %s over Streamable HTTP', (sdk) => {
  it('frames every answer as the bare server does', async () => {
    const bare = await exchanges(sdk, false);
    const observed = await exchanges(sdk, true);
    expect(observed).toEqual(bare);
    expect(bare.filter((exchange) => exchange.status === 200)).toHaveLength(bare.length);
  });
});
