/**
 * Observing an MCP client: the requests it sends are `outbound` facts with the same vocabulary as a
 * server's, the requests it handles (roots, sampling) are `inbound`, and `_meta` entries plugins set
 * reach the server.
 */
import {
  createExampleServer,
  type ExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  startHttpServer,
  waitFor,
} from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingPlugin } from '../test/recording-plugin.js';
import { type McpscopePlugin, observe, type RequestFacts } from './index.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

interface SdkClient {
  connect(transport: unknown): Promise<void>;
  close(): Promise<void>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<unknown>;
}

async function newClient(sdk: SdkVersion): Promise<SdkClient> {
  const answerRoots = () => ({ roots: [{ uri: 'file:///tmp', name: 'tmp' }] });
  if (sdk === 'v1') {
    const [{ Client }, { ListRootsRequestSchema }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/types.js'),
    ]);
    const client = new Client({ name: 'observed-client', version: '3.1.4' }, { capabilities: { roots: {} } });
    client.setRequestHandler(ListRootsRequestSchema, answerRoots);
    return client as unknown as SdkClient;
  }
  const { Client } = await import('@modelcontextprotocol/client');
  const client = new Client({ name: 'observed-client', version: '3.1.4' }, { capabilities: { roots: {} } });
  client.setRequestHandler('roots/list', answerRoots);
  return client as unknown as SdkClient;
}

async function inMemoryPair(sdk: SdkVersion): Promise<[unknown, unknown]> {
  if (sdk === 'v1') {
    const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js');
    return InMemoryTransport.createLinkedPair();
  }
  const { InMemoryTransport } = await import('@modelcontextprotocol/server');
  return InMemoryTransport.createLinkedPair();
}

async function httpTransport(sdk: SdkVersion, url: URL): Promise<unknown> {
  if (sdk === 'v1') {
    const { StreamableHTTPClientTransport } = await import(
      '@modelcontextprotocol/sdk/client/streamableHttp.js'
    );
    return new StreamableHTTPClientTransport(url);
  }
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  return new StreamableHTTPClientTransport(url);
}

const summary = (request: RequestFacts) =>
  [request.direction, request.method, request.target, request.outcome, request.errorType, request.errorSide]
    .map((part) => part ?? '-')
    .join(' ');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(SDK_VERSIONS)('SDK %s client', (sdk) => {
  it('records what it sends and what it handles, in memory', async () => {
    const clientRecorder = recordingPlugin('client-recorder');
    const serverRecorder = recordingPlugin('server-recorder');
    const injector: McpscopePlugin = {
      name: 'injector',
      onOutboundRequestStart: (request) => request.setMeta('traceparent', TRACEPARENT),
    };
    const server = observe(createExampleServer({ sdk })).use(serverRecorder);
    const client = observe(await newClient(sdk)).use(injector, clientRecorder);
    const [clientSide, serverSide] = await inMemoryPair(sdk);
    await (server as ExampleServer).connect(serverSide as never);
    await client.connect(clientSide);
    cleanups.push(() => client.close());

    expect(clientRecorder.servers[0]).toMatchObject({
      role: 'client',
      name: 'observed-client',
      version: '3.1.4',
    });
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    await client.callTool({ name: 'fail' });
    await client.callTool({ name: 'no_such_tool' }).catch(() => undefined);
    await client.getPrompt({ name: 'greet', arguments: {} }).catch(() => undefined);
    const inner = (server as unknown as { server: { listRoots(): Promise<unknown> } }).server;
    await inner.listRoots();
    await waitFor(
      () => clientRecorder.outboundEnded.length === 5 && clientRecorder.ended.length === 1,
      'the calls',
    );

    expect(clientRecorder.outboundEnded.map(summary)).toEqual([
      'outbound initialize - ok - -',
      'outbound tools/call echo ok - -',
      'outbound tools/call fail tool_error tool_error tool',
      sdk === 'v1'
        ? 'outbound tools/call no_such_tool tool_error tool_error tool'
        : 'outbound tools/call no_such_tool error -32602 client',
      'outbound prompts/get greet error -32602 client',
    ]);
    expect(clientRecorder.outboundStarted).toHaveLength(5);
    expect(clientRecorder.ended.map(summary)).toEqual(['inbound roots/list - ok - -']);
    expect(clientRecorder.started).toHaveLength(1);
    expect(clientRecorder.inFlight).toBe(0);

    const session = clientRecorder.sessionsStarted[0]!;
    expect(clientRecorder.sessionsStarted).toHaveLength(1);
    expect(session).toMatchObject({
      clientName: 'observed-client',
      clientVersion: '3.1.4',
      serverName: 'example-server',
      serverVersion: '1.0.0',
      transport: 'in-memory',
    });
    expect(session.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The server saw the client's _meta entry on every request it handled.
    const serverEnded = serverRecorder.ended.filter((request) => request.method !== 'initialize');
    expect(serverEnded.map((request) => request.meta?.traceparent)).toEqual(Array(4).fill(TRACEPARENT));
    // ...and the roots request it sent is its own outbound request.
    expect(serverRecorder.outboundEnded.map(summary)).toEqual(['outbound roots/list - ok - -']);

    await client.close();
    cleanups.length = 0;
    await waitFor(() => clientRecorder.sessionsEnded.length === 1, 'the session to end');
    expect(clientRecorder.connectionsClosed.map((closed) => closed.closeReason)).toEqual(['closed']);
  });

  it('knows the server’s address over Streamable HTTP and ends what is in flight when it closes', async () => {
    const clientRecorder = recordingPlugin('client-recorder');
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => createExampleServer({ sdk }),
    });
    cleanups.push(() => http.close());
    const client = observe(await newClient(sdk)).use(clientRecorder);
    await client.connect(await httpTransport(sdk, http.url));
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    await waitFor(() => clientRecorder.outboundEnded.length === 2, 'the call');
    const session = clientRecorder.outboundEnded[1]!.session;
    expect(session).toMatchObject({
      transport: 'streamable-http',
      networkTransport: 'tcp',
      networkProtocolName: 'http',
      serverAddress: '127.0.0.1',
      serverPort: Number(http.url.port),
    });
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
    const slow = client.callTool({ name: 'slow', arguments: { ms: 10_000 } }).catch(() => 'rejected');
    await waitFor(() => clientRecorder.outboundStarted.length === 3, 'the slow call to start');
    await client.close();
    expect(await slow).toBe('rejected');
    await waitFor(() => clientRecorder.outboundEnded.length === 3, 'the slow call to end');
    expect(clientRecorder.outboundEnded[2]?.outcome).toBe('closed');
  });
});
