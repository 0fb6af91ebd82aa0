import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  startHttpServer,
  waitFor,
} from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { recordingPlugin } from '../test/recording-plugin.js';
import {
  currentRequest,
  endpointFacts,
  flushPlugins,
  type McpscopePlugin,
  observe,
  type RequestFacts,
} from './index.js';

describe('observe', () => {
  it('returns the same instance, chains use, and is idempotent', () => {
    const server = createExampleServer({ sdk: 'v1' });
    const observed = observe(server);
    expect(observed).toBe(server);
    expect(observe(server)).toBe(server);
    const first = recordingPlugin('first');
    const second = recordingPlugin('second');
    expect(observed.use(first).use(second, first)).toBe(server);
    expect(first.servers).toHaveLength(1);
    expect(endpointFacts(server)?.connected).toBe(false);
  });

  it('rejects what is not an MCP server, and plugins without a name, with clear errors', () => {
    expect(() => observe({} as object)).toThrow(/observe\(\) takes an MCP server/);
    const server = observe(createExampleServer({ sdk: 'v2' }));
    expect(() => server.use({} as McpscopePlugin)).toThrow(/use\(\) takes mcpscope plugins/);
  });

  it('attaches one plugin instance to many servers, once each', async () => {
    const plugin = recordingPlugin();
    const servers = Array.from({ length: 3 }, () =>
      observe(createExampleServer({ sdk: 'v2' })).use(plugin, plugin),
    );
    expect(plugin.servers).toHaveLength(3);
    const clients = await Promise.all(servers.map((server) => connectInMemory(server, 'v2')));
    await Promise.all(clients.map((client) => client.callTool('echo', { text: 'x' })));
    await waitFor(() => plugin.endedFor('tools/call').length === 3, 'three calls');
    expect(plugin.started).toHaveLength(6);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('watches a transport that was connected before observe', async () => {
    const server = createExampleServer({ sdk: 'v1' });
    const client = await connectInMemory(server, 'v1');
    const plugin = recordingPlugin();
    observe(server).use(plugin);
    expect(plugin.connectionsOpened).toHaveLength(1);
    await client.callTool('echo', { text: 'late' });
    await waitFor(() => plugin.inFlight === 0 && plugin.ended.length === 1, 'the call');
    expect(plugin.ended[0]?.target).toBe('echo');
    await client.close();
    expect(plugin.connectionsClosed).toHaveLength(1);
  });

  it('flushes plugins on close within the time limit, and only when asked to', async () => {
    let flushed = 0;
    const quick: McpscopePlugin = { name: 'quick', close: () => void flushed++ };
    const hanging: McpscopePlugin = { name: 'hanging', close: () => new Promise<void>(() => undefined) };
    const failures: string[] = [];
    const server = observe(createExampleServer({ sdk: 'v1' }), {
      closeTimeoutMs: 50,
      onDiagnostic: (failure) => failures.push(`${failure.plugin} ${failure.hook}`),
    }).use(quick, hanging);
    await connectInMemory(server, 'v1');
    await server.close();
    expect(flushed).toBe(1);
    expect(failures).toEqual(['hanging close']);

    const perRequest = observe(createExampleServer({ sdk: 'v1' }), { closePlugins: false }).use(quick);
    await perRequest.close();
    expect(flushed).toBe(1);
    await flushPlugins(perRequest);
    expect(flushed).toBe(2);
  });

  it('tells plugins when a server closes, once', async () => {
    const closed: boolean[] = [];
    const server = observe(createExampleServer({ sdk: 'v2' })).use({
      name: 'forgetful',
      onEndpointClose: (facts) => closed.push(facts.closed),
    });
    expect(endpointFacts(server)?.closed).toBe(false);
    await connectInMemory(server, 'v2');
    await server.close();
    await server.close();
    expect(closed).toEqual([true]);
  });
});

describe.each(SDK_VERSIONS)('SDK %s: the contract', (sdk) => {
  it('gives handlers the current request only when a plugin asks for request context', async () => {
    const seen: (RequestFacts | undefined)[] = [];
    const build = () => {
      const server = createExampleServer({ sdk });
      (server.registerTool.bind(server) as unknown as (n: string, c: object, cb: () => object) => void)(
        'whoami',
        {},
        async () => {
          await new Promise((resolve) => setImmediate(resolve));
          seen.push(currentRequest());
          return { content: [] };
        },
      );
      return server;
    };
    const plain = observe(build()).use(recordingPlugin());
    const plainClient = await connectInMemory(plain, sdk);
    await plainClient.callTool('whoami');
    const contextual = observe(build()).use({ name: 'needs-context', requestContext: true });
    const contextualClient = await connectInMemory(contextual, sdk);
    await Promise.all([contextualClient.callTool('whoami'), contextualClient.callTool('whoami')]);
    expect(seen[0]).toBeUndefined();
    expect(seen.slice(1).map((request) => [request?.method, request?.target])).toEqual([
      ['tools/call', 'whoami'],
      ['tools/call', 'whoami'],
    ]);
    expect(seen[1]).not.toBe(seen[2]);
    expect(currentRequest()).toBeUndefined();
    await plainClient.close();
    await contextualClient.close();
  });

  it('lets aroundRequest refuse a request; every plugin sees the refusal as its outcome', async () => {
    const recorder = recordingPlugin();
    const calls = { echo: 0 };
    const gate: McpscopePlugin = {
      name: 'gate',
      aroundRequest(request, dispatch) {
        if (request.target === 'echo') {
          request.refuse(
            { code: -32000, message: 'Server is draining', data: { retryAfterMs: 1000 } },
            {
              reason: 'draining',
            },
          );
          return;
        }
        setTimeout(dispatch, 5);
      },
    };
    const server = observe(createExampleServer({ sdk })).use(gate, recorder, {
      name: 'counter',
      onRequestStart: (request) => {
        if (request.target === 'echo') calls.echo++;
      },
    });
    const client = await connectInMemory(server, sdk);
    const refused = await client
      .callTool('echo', { text: 'x' })
      .catch((error: { code: number; data: unknown }) => error);
    expect(refused).toMatchObject({ code: -32000, data: { retryAfterMs: 1000 } });
    expect((await client.callTool('add', { a: 1, b: 2 })).content).toEqual([{ type: 'text', text: '3' }]);
    await waitFor(() => recorder.inFlight === 0, 'requests to end');
    const [echo, add] = recorder.endedFor('tools/call');
    expect(echo).toMatchObject({
      outcome: 'error',
      errorCode: -32000,
      errorType: '-32000',
      refusal: { plugin: 'gate', reason: 'draining' },
    });
    expect(add).toMatchObject({ outcome: 'ok', refusal: undefined });
    expect(calls.echo).toBe(1);
    await client.close();
  });

  it('dispatches anyway when aroundRequest throws before dispatching', async () => {
    const recorder = recordingPlugin();
    const server = observe(createExampleServer({ sdk }), { onDiagnostic: () => undefined }).use(
      {
        name: 'broken-around',
        aroundRequest: () => {
          throw new Error('around failed');
        },
      },
      recorder,
    );
    const client = await connectInMemory(server, sdk);
    expect((await client.callTool('echo', { text: 'still here' })).content).toEqual([
      { type: 'text', text: 'still here' },
    ]);
    await client.close();
  });

  it('relates progress and cancellation notifications to their requests', async () => {
    const recorder = recordingPlugin();
    const server = createExampleServer({ sdk });
    (
      server.registerTool.bind(server) as unknown as (
        n: string,
        c: object,
        cb: (extra: unknown) => object,
      ) => void
    )('progressing', {}, async (extra) => {
      const context = extra as {
        sendNotification?: (notification: object) => Promise<void>;
        mcpReq?: { notify(notification: object): Promise<void>; _meta?: { progressToken?: unknown } };
        _meta?: { progressToken?: unknown };
      };
      const progressToken = context._meta?.progressToken ?? context.mcpReq?._meta?.progressToken;
      const notification = {
        method: 'notifications/progress',
        params: { progressToken, progress: 1, total: 2 },
      };
      await (context.sendNotification?.(notification) ?? context.mcpReq?.notify(notification));
      return { content: [] };
    });
    observe(server).use(recorder);
    const client = await connectInMemory(server, sdk);
    const progress: unknown[] = [];
    await (client.raw.callTool as (params: object, ...rest: unknown[]) => Promise<unknown>)(
      { name: 'progressing', arguments: {} },
      ...(sdk === 'v1' ? [undefined] : []),
      { onprogress: (update: unknown) => progress.push(update) },
    );
    await waitFor(() => recorder.inFlight === 0, 'the call');
    expect(progress).toHaveLength(1);
    const outbound = recorder.notifications.find(
      (notification) => notification.method === 'notifications/progress',
    );
    expect(outbound?.direction).toBe('outbound');
    expect(outbound?.request?.target).toBe('progressing');
    const inbound = recorder.notifications.find(
      (notification) => notification.method === 'notifications/initialized',
    );
    expect(inbound?.direction).toBe('inbound');
    await client.close();
  });

  it('records server-to-client requests and injects the _meta entries plugins set', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const recorder = recordingPlugin();
    const injector: McpscopePlugin = {
      name: 'injector',
      onOutboundRequestStart: (request) => request.setMeta('traceparent', traceparent),
    };
    const server = createExampleServer({ sdk });
    observe(server).use(injector, recorder);
    const received: { params?: { _meta?: Record<string, unknown> } }[] = [];
    const answerRoots = (request: unknown) => {
      received.push(request as (typeof received)[number]);
      return { roots: [{ uri: 'file:///tmp', name: 'tmp' }] };
    };
    let closeClient: () => Promise<void>;
    if (sdk === 'v1') {
      const [{ Client }, { InMemoryTransport }, { ListRootsRequestSchema }] = await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/inMemory.js'),
        import('@modelcontextprotocol/sdk/types.js'),
      ]);
      const client = new Client({ name: 'roots', version: '1' }, { capabilities: { roots: {} } });
      client.setRequestHandler(ListRootsRequestSchema, answerRoots);
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide as never);
      await client.connect(clientSide);
      closeClient = () => client.close();
    } else {
      const [{ Client }, { InMemoryTransport }] = await Promise.all([
        import('@modelcontextprotocol/client'),
        import('@modelcontextprotocol/server'),
      ]);
      const client = new Client({ name: 'roots', version: '1' }, { capabilities: { roots: {} } });
      client.setRequestHandler('roots/list', answerRoots);
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide as never);
      await client.connect(clientSide);
      closeClient = () => client.close();
    }
    const inner = (server as unknown as { server: { listRoots(): Promise<{ roots: unknown[] }> } }).server;
    const roots = await inner.listRoots();
    expect(roots.roots).toHaveLength(1);
    await waitFor(() => recorder.outboundEnded.length === 1, 'the request to end');
    expect(recorder.outboundEnded[0]).toMatchObject({ method: 'roots/list', outcome: 'ok' });
    expect(recorder.outboundEnded[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(received[0]?.params?._meta?.traceparent).toBe(traceparent);
    await closeClient();
  });
});

describe.each(SDK_VERSIONS)('SDK %s: session facts', (sdk) => {
  it('knows the client, the protocol version and the session id of a stateful HTTP session', async () => {
    const recorder = recordingPlugin();
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(createExampleServer({ sdk })).use(recorder),
    });
    const client = await connectHttp(sdk, http.url, { name: 'inspector', version: '9.9.9' });
    await client.callTool('echo', { text: 'x' });
    await waitFor(() => recorder.endedFor('tools/call').length === 1, 'the call');
    const session = recorder.endedFor('tools/call')[0]!.session;
    expect(session).toMatchObject({
      clientName: 'inspector',
      clientVersion: '9.9.9',
      transport: 'streamable-http',
      networkTransport: 'tcp',
      initialized: true,
    });
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(session.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(recorder.sessionsStarted).toHaveLength(1);
    await client.close();
    await http.close();
    await waitFor(() => recorder.sessionsEnded.length === 1, 'the session to end');
    expect(recorder.sessionsEnded[0]?.durationMs).toBeGreaterThan(0);
  });
});

describe.each(SDK_VERSIONS)('SDK %s: the authenticated caller', (sdk) => {
  it('carries the client id and scopes of a verified token, never the token', async () => {
    const recorder = recordingPlugin();
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      authenticate: () => ({ token: 'secret-bearer-token', clientId: 'agent-7', scopes: ['tools:call'] }),
      createServer: () => observe(createExampleServer({ sdk })).use(recorder),
    });
    const client = await connectHttp(sdk, http.url);
    await client.callTool('echo', { text: 'x' });
    await waitFor(() => recorder.endedFor('tools/call').length === 1, 'the call');
    const [call] = recorder.endedFor('tools/call');
    expect(call?.auth).toEqual({ clientId: 'agent-7', scopes: ['tools:call'] });
    expect(JSON.stringify(call?.auth)).not.toContain('secret-bearer-token');
    await client.close();
    await http.close();
  });
});

describe('SDK v2: the modern (2026-07-28) era', () => {
  it('reads client facts from each request’s _meta envelope; there are no sessions', async () => {
    const recorder = recordingPlugin();
    const http = await startHttpServer({
      sdk: 'v2',
      mode: 'handler',
      createServer: () => observe(createExampleServer({ sdk: 'v2' })).use(recorder),
    });
    const client = await connectHttp('v2', http.url, {
      name: 'modern-client',
      version: '2.0.0',
      modern: true,
    });
    await client.callTool('fail');
    await waitFor(() => recorder.endedFor('tools/call').length === 1, 'the call');
    const [call] = recorder.endedFor('tools/call');
    expect(call).toMatchObject({ outcome: 'tool_error', toolErrorReason: 'handler_threw' });
    expect(call?.session).toMatchObject({
      clientName: 'modern-client',
      clientVersion: '2.0.0',
      protocolVersion: '2026-07-28',
      initialized: false,
      id: undefined,
    });
    expect(recorder.sessionsStarted).toHaveLength(0);
    await client.close();
    await http.close();
  });
});

describe('flushPlugins', () => {
  it('flushes plugins given as an array, without any server, each once and within the time limit', async () => {
    const flushed: string[] = [];
    const quick: McpscopePlugin = { name: 'quick', close: () => void flushed.push('quick') };
    const hanging: McpscopePlugin = { name: 'hanging', close: () => new Promise<void>(() => undefined) };
    const started = performance.now();
    await flushPlugins([quick, hanging, { name: 'no-close' }], 100);
    expect(flushed).toEqual(['quick']);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
