/**
 * The real @sentry/node (initialised once for this file) sends to a local envelope endpoint; every
 * assertion reads the parsed envelopes. Dedupe is switched off so a double report cannot hide.
 */
import { endpointFacts, type McpscopePlugin, observe } from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  connectInMemoryPair,
  createExampleServer,
  type ExampleServer,
  exceptionOf,
  PROMPT_FAILURE_MESSAGE,
  RESOURCE_FAILURE_MESSAGE,
  SDK_VERSIONS,
  type SdkVersion,
  type SentryEvent,
  type SentryReceiver,
  startHttpServer,
  startSentryReceiver,
  type TestClient,
  TOOL_FAILURE_MESSAGE,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addTool, failInFallbackHandler, pause } from '../test/extra-tools.js';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { MECHANISM_TYPE, type SentryOptions, sentry } from './index.js';

interface OutputSchemaRegistry {
  registerTool(
    name: string,
    config: { description: string; outputSchema: unknown },
    handler: () => Promise<unknown>,
  ): unknown;
}

let receiver: SentryReceiver;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  receiver = await startSentryReceiver();
  initSentryEveryEvent(receiver.dsn);
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  await Sentry.flush(5_000);
  receiver.clear();
});

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
});

interface Setup {
  readonly server: ExampleServer;
  readonly client: TestClient;
}

async function setUp(sdk: SdkVersion, options?: SentryOptions, ...before: McpscopePlugin[]): Promise<Setup> {
  const server = observe(createExampleServer({ sdk }));
  server.use(...before, sentry(options));
  return connect(server, sdk);
}

async function connect(server: ExampleServer, sdk: SdkVersion): Promise<Setup> {
  const client = await connectInMemory(server, sdk);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return { server, client };
}

/** Waits until every request ended, then until Sentry sent everything it captured. */
async function settle(server: ExampleServer): Promise<SentryEvent[]> {
  await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
  expect(await Sentry.flush(5_000)).toBe(true);
  return receiver.events();
}

function mcpBreadcrumbs(event: SentryEvent): string[] {
  return (event.breadcrumbs ?? [])
    .filter((crumb) => crumb.category === 'mcp')
    .map((crumb) => crumb.message ?? '');
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('reports a thrown tool error once, with its message, stack, tags, context, fingerprint and breadcrumbs', async () => {
    const { server, client } = await setUp(sdk);
    await client.callTool('echo', { text: 'hi' });
    const result = await client.callTool('fail');
    expect(result.isError).toBe(true);

    const events = await settle(server);
    expect(events).toHaveLength(1);
    const event = events[0]!;
    const exception = exceptionOf(event)!;
    expect(exception.type).toBe('Error');
    expect(exception.value).toBe(TOOL_FAILURE_MESSAGE);
    expect(exception.mechanism).toMatchObject({
      type: MECHANISM_TYPE,
      handled: false,
      data: { error_type: 'tool_execution' },
    });
    const frames = exception.stacktrace?.frames ?? [];
    expect(frames.some((frame) => frame.filename?.endsWith('test-kit/src/example-server.ts'))).toBe(true);

    expect(event.tags).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'fail',
      'error.type': 'tool_error',
      'mcp.error.side': 'server',
      'mcp.request.outcome': 'tool_error',
      'mcp.tool.error_reason': 'handler_threw',
      'mcp.transport': 'in-memory',
      'mcp.client.name': 'test-client',
      'mcp.client.version': '1.2.3',
      'mcp.server.name': 'example-server',
    });
    expect(event.tags?.['mcp.protocol.version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(event.tags?.['mcp.session.id']).toBeUndefined();
    expect(event.tags?.['network.transport']).toBeUndefined();

    const context = event.contexts?.mcp_request;
    expect(context).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'fail',
      'mcp.request.outcome': 'tool_error',
      'mcp.error.side': 'server',
      'error.type': 'tool_error',
      'mcp.tool.error_reason': 'handler_threw',
    });
    expect(['string', 'number']).toContain(typeof context?.['jsonrpc.request.id']);
    expect(context).not.toHaveProperty('gen_ai.tool.call.arguments');
    expect(context).not.toHaveProperty('gen_ai.tool.call.result');
    expect(event.fingerprint).toEqual(['mcp', 'tools/call', 'fail', 'tool_error', 'Error']);

    const crumbs = mcpBreadcrumbs(event);
    expect(crumbs[0]).toBe('initialize');
    expect(crumbs).toContain('tools/call echo');
    expect(crumbs).not.toContain('tools/call fail');
    expect(event.contexts?.trace?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps a bounded ring of the session's recent requests as breadcrumbs", async () => {
    const { server, client } = await setUp(sdk, { maxBreadcrumbs: 3 });
    for (let index = 0; index < 6; index++) await client.callTool('add', { a: index, b: 1 });
    await client.callTool('echo', { text: 'last before the failure' });
    await client.callTool('fail');
    const events = await settle(server);
    expect(events).toHaveLength(1);
    const crumbs = (events[0]?.breadcrumbs ?? []).filter((crumb) => crumb.category === 'mcp');
    expect(crumbs.map((crumb) => crumb.message)).toEqual([
      'tools/call add',
      'tools/call add',
      'tools/call echo',
    ]);
    expect(crumbs[2]).toMatchObject({
      level: 'info',
      data: { 'mcp.request.outcome': 'ok', 'mcp.method.name': 'tools/call' },
    });
    expect(JSON.stringify(crumbs)).not.toContain('last before the failure');
  });

  it('reports prompt and resource handler errors once each, as -32603', async () => {
    const { server, client } = await setUp(sdk);
    await expect(client.getPrompt('broken')).rejects.toThrow(PROMPT_FAILURE_MESSAGE);
    await expect(client.readResource('broken://resource')).rejects.toThrow(RESOURCE_FAILURE_MESSAGE);

    const events = await settle(server);
    expect(events).toHaveLength(2);
    // Events are processed concurrently: find each by its message, not by arrival order.
    const prompt = events.find((event) => event.tags?.['mcp.method.name'] === 'prompts/get')!;
    const resource = events.find((event) => event.tags?.['mcp.method.name'] === 'resources/read')!;
    expect(exceptionOf(prompt)?.value).toBe(PROMPT_FAILURE_MESSAGE);
    expect(prompt.tags).toMatchObject({
      'mcp.method.name': 'prompts/get',
      'gen_ai.prompt.name': 'broken',
      'error.type': '-32603',
      'rpc.response.status_code': '-32603',
    });
    expect(prompt.fingerprint).toEqual(['mcp', 'prompts/get', 'broken', '-32603', 'Error']);
    expect(exceptionOf(resource)?.value).toBe(RESOURCE_FAILURE_MESSAGE);
    expect(resource.tags).toMatchObject({ 'mcp.method.name': 'resources/read', 'error.type': '-32603' });
    expect(resource.tags).not.toHaveProperty('gen_ai.tool.name');
    expect(resource.contexts?.mcp_request).toMatchObject({ 'mcp.resource.uri': 'broken://resource' });
  });

  const clientMistakes = async (client: TestClient): Promise<void> => {
    await expect(client.request('foo/bar', {})).rejects.toThrow(/-32601|not found/i);
    await expect(client.getPrompt('no_such_prompt')).rejects.toThrow();
    const unknownTool = client.callTool('no_such_tool');
    // SDK 1.x answers an unknown tool with an isError result, SDK 2.x with -32602.
    if (sdk === 'v1') expect((await unknownTool).isError).toBe(true);
    else await expect(unknownTool).rejects.toThrow();
    expect((await client.callTool('add', { a: 'one', b: 2 })).isError).toBe(true);
    expect((await client.callTool('soft_fail')).isError).toBe(true);
  };

  it('reports no client mistakes (-32601, -32602, unknown tools, invalid arguments) and no isError results', async () => {
    const { server, client } = await setUp(sdk);
    await clientMistakes(client);
    expect(await settle(server)).toEqual([]);
  });

  it('reports client mistakes as warnings when captureClientErrors is on', async () => {
    const { server, client } = await setUp(sdk, { captureClientErrors: true });
    await clientMistakes(client);
    const events = await settle(server);
    // Exception events take longer to process than message events: compare without order.
    const described = events.map(
      (event) =>
        `${event.tags?.['mcp.method.name']} ${event.tags?.['mcp.tool.error_reason'] ?? event.tags?.['rpc.response.status_code']} ${event.level}`,
    );
    expect(described.sort()).toEqual([
      'foo/bar -32601 warning',
      'prompts/get -32602 warning',
      'tools/call invalid_arguments warning',
      'tools/call unknown_tool warning',
    ]);
  });

  it('captureClientErrors: a mistake without an error object is a message naming the method, target and reason or code; one with an error is a handled exception', async () => {
    const { server, client } = await setUp(sdk, { captureClientErrors: true });
    await clientMistakes(client);
    const events = await settle(server);
    const messages = events
      .filter((event) => exceptionOf(event)?.mechanism?.type !== MECHANISM_TYPE)
      .map((event) => `${event.level} ${event.logentry?.message ?? event.message}`);
    const exceptions = events
      .filter((event) => exceptionOf(event)?.mechanism?.type === MECHANISM_TYPE)
      .map((event) => exceptionOf(event)!);
    // SDK 1.x answers an unknown tool with an isError result (no error object), SDK 2.x throws -32602.
    expect(messages.sort()).toEqual(
      [
        'warning foo/bar: JSON-RPC error -32601',
        'warning tools/call add: invalid_arguments',
        ...(sdk === 'v1' ? ['warning tools/call no_such_tool: unknown_tool'] : []),
      ].sort(),
    );
    expect(exceptions.map((exception) => exception.value).sort()).toEqual(
      sdk === 'v1'
        ? ['MCP error -32602: Prompt no_such_prompt not found']
        : ['Prompt no_such_prompt not found', 'Tool no_such_tool not found'],
    );
    for (const exception of exceptions) {
      expect(exception.mechanism).toEqual({
        type: MECHANISM_TYPE,
        handled: true,
        data: { error_type: 'client_error' },
      });
    }
  });

  it('a JSON-RPC server error without an original error (a fallback handler threw) is a JsonRpcError', async () => {
    const server = observe(createExampleServer({ sdk }));
    failInFallbackHandler(server, 'the fallback handler broke');
    server.use(sentry());
    const { client } = await connect(server, sdk);
    await expect(client.request('custom/thing', {})).rejects.toThrow('the fallback handler broke');
    const events = await settle(server);
    expect(events).toHaveLength(1);
    expect(exceptionOf(events[0]!)).toMatchObject({
      type: 'JsonRpcError',
      value: 'custom/thing answered with JSON-RPC error -32603',
      mechanism: { type: MECHANISM_TYPE, handled: false, data: { error_type: 'protocol' } },
    });
    expect(events[0]?.tags).toMatchObject({
      'mcp.method.name': 'custom/thing',
      'error.type': '-32603',
      'mcp.error.side': 'server',
    });
  });

  it('reports isError tool results as messages or exceptions when asked', async () => {
    const asMessage = await setUp(sdk, { toolErrors: 'message' });
    await asMessage.client.callTool('soft_fail');
    const messages = await settle(asMessage.server);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.level).toBe('warning');
    expect(messages[0]?.logentry?.message ?? messages[0]?.message).toBe(
      'Tool "soft_fail" returned an error result',
    );
    expect(messages[0]?.tags).toMatchObject({ 'mcp.tool.error_reason': 'handler_returned_error' });
    expect(messages[0]?.fingerprint).toEqual(['mcp', 'tools/call', 'soft_fail', 'tool_error', 'message']);
    receiver.clear();

    const asException = await setUp(sdk, { toolErrors: 'exception' });
    await asException.client.callTool('soft_fail');
    const exceptions = await settle(asException.server);
    expect(exceptions).toHaveLength(1);
    expect(exceptionOf(exceptions[0]!)).toMatchObject({
      type: 'McpToolError',
      value: 'Tool "soft_fail" returned an error result',
    });
    expect(exceptionOf(exceptions[0]!)?.stacktrace).toBeUndefined();
    expect(exceptionOf(exceptions[0]!)?.mechanism).toEqual({
      type: MECHANISM_TYPE,
      handled: true,
      data: { error_type: 'tool_error_result' },
    });
  });

  it('keeps 20 concurrent failing calls apart: each event carries its own tags and scope data', async () => {
    const server = observe(createExampleServer({ sdk }));
    const names = Array.from({ length: 20 }, (_, index) => `fail_${index}`);
    names.forEach((name, index) => {
      addTool(server, name, async () => {
        Sentry.setTag('handler.tool', name);
        await pause(20 - index);
        throw new Error(`failure of ${name}`);
      });
    });
    server.use(sentry());
    const { client } = await connect(server, sdk);
    const results = await Promise.all(names.map((name) => client.callTool(name)));
    expect(results.every((result) => result.isError === true)).toBe(true);

    const events = await settle(server);
    expect(events).toHaveLength(20);
    for (const event of events) {
      const tool = event.tags?.['gen_ai.tool.name'];
      expect(exceptionOf(event)?.value).toBe(`failure of ${tool}`);
      expect(event.tags?.['handler.tool']).toBe(tool);
      expect(event.contexts?.mcp_request?.['gen_ai.tool.name']).toBe(tool);
      expect(event.fingerprint).toEqual(['mcp', 'tools/call', tool, 'tool_error', 'Error']);
    }
    expect(new Set(events.map((event) => event.tags?.['gen_ai.tool.name']))).toEqual(new Set(names));
  });

  it('reports a tool result that fails its output schema as a server bug (invalid_output)', async () => {
    const server = observe(createExampleServer({ sdk }));
    const outputSchema = sdk === 'v1' ? { count: z.number() } : z.object({ count: z.number() });
    (server as unknown as OutputSchemaRegistry).registerTool(
      'bad_output',
      { description: 'returns the wrong shape', outputSchema },
      async () => ({ content: [{ type: 'text', text: 'oops' }], structuredContent: { count: 'many' } }),
    );
    server.use(sentry());
    const { client } = await connect(server, sdk);
    const outcome = await client.callTool('bad_output').then(
      (result) => result.isError,
      () => 'rejected',
    );
    expect([true, 'rejected']).toContain(outcome);
    const events = await settle(server);
    expect(events).toHaveLength(1);
    expect(events[0]?.tags).toMatchObject({
      'gen_ai.tool.name': 'bad_output',
      'mcp.tool.error_reason': 'invalid_output',
    });
  });

  it('does not report an error the handler already reported itself, but enriches that report', async () => {
    const server = observe(createExampleServer({ sdk }));
    addTool(server, 'self_report', async () => {
      const error = new Error('reported by the handler');
      Sentry.captureException(error);
      throw error;
    });
    server.use(sentry());
    const { client } = await connect(server, sdk);
    await client.callTool('self_report');
    const events = await settle(server);
    expect(events).toHaveLength(1);
    expect(exceptionOf(events[0]!)?.value).toBe('reported by the handler');
    expect(events[0]?.tags).toMatchObject({
      'gen_ai.tool.name': 'self_report',
      'mcp.method.name': 'tools/call',
    });
    // The handler's own report keeps Sentry's default grouping.
    expect(events[0]?.fingerprint).toBeUndefined();
  });

  it('does not report an error the handler reported itself when it echoes an argument (the scrubbed copy is the same error)', async () => {
    const server = observe(createExampleServer({ sdk }));
    addTool(server, 'login', async () => {
      const error = new Error('login failed for hunter2-secret');
      Sentry.captureException(error);
      throw error;
    });
    server.use(sentry());
    const { client } = await connect(server, sdk);
    expect((await client.callTool('login', { password: 'hunter2-secret' })).isError).toBe(true);
    const events = await settle(server);
    expect(events.map((event) => exceptionOf(event)?.value)).toEqual(['login failed for [REDACTED]']);
  });

  it("records arguments only when opted in, redacted by core's rule (accessKey too, and redact paths) and capped", async () => {
    const args = {
      query: 'visible-marker-4711',
      apiKey: 'sk-secret-0815',
      accessKey: 'AKIA-secret-2222',
      region: { code: 'eu-user-path-7781' },
      nested: { auth: { token: 'nested-secret-1234' }, author: 'Ada' },
      long: 'x'.repeat(2_000),
    };
    const quiet = await setUp(sdk);
    await quiet.client.callTool('fail', args);
    expect(await settle(quiet.server)).toHaveLength(1);
    for (const secret of [
      'visible-marker-4711',
      'sk-secret-0815',
      'AKIA-secret-2222',
      'nested-secret-1234',
    ]) {
      expect(receiver.rawText()).not.toContain(secret);
    }
    receiver.clear();

    const recording = await setUp(sdk, {
      recordArguments: true,
      maxPayloadLength: 300,
      redact: ['region.code'],
    });
    await recording.client.callTool('fail', args);
    const events = await settle(recording.server);
    expect(events).toHaveLength(1);
    const recorded = events[0]?.contexts?.mcp_request?.['gen_ai.tool.call.arguments'] as string;
    expect(recorded).toHaveLength(300);
    expect(recorded.endsWith('…[truncated]')).toBe(true);
    expect(
      recorded.startsWith(
        '{"query":"visible-marker-4711","apiKey":"[REDACTED]","accessKey":"[REDACTED]",' +
          '"region":{"code":"[REDACTED]"},"nested":{"auth":"[REDACTED]","author":"Ada"},"long":"xxx',
      ),
    ).toBe(true);
    for (const secret of ['sk-secret-0815', 'AKIA-secret-2222', 'nested-secret-1234', 'eu-user-path-7781']) {
      expect(receiver.rawText()).not.toContain(secret);
    }
  });

  it('records the result of a failed tool only with recordResults, redacted', async () => {
    const server = observe(createExampleServer({ sdk }));
    addTool(server, 'soft_secret', async () => ({
      content: [{ type: 'text', text: 'result-marker-5150' }],
      isError: true,
    }));
    server.use(sentry({ toolErrors: 'message', recordResults: true }));
    const { client } = await connect(server, sdk);
    expect((await client.callTool('soft_secret')).isError).toBe(true);
    const events = await settle(server);
    expect(events).toHaveLength(1);
    expect(events[0]?.contexts?.mcp_request?.['gen_ai.tool.call.result']).toBe(
      '{"content":[{"type":"text","text":"result-marker-5150"}],"isError":true}',
    );
    expect(events[0]?.contexts?.mcp_request).not.toHaveProperty('gen_ai.tool.call.arguments');
  });

  it.each(['before', 'after'])(
    'never reports a refused request (refusing plugin %s sentry)',
    async (order) => {
      const refuser: McpscopePlugin = {
        name: 'refuser',
        aroundRequest(request, dispatch) {
          if (request.method === 'tools/call') {
            request.refuse({ code: -32000, message: 'overloaded' }, { reason: 'overloaded' });
          } else dispatch();
        },
      };
      const server = observe(createExampleServer({ sdk }));
      if (order === 'before') server.use(refuser, sentry());
      else server.use(sentry(), refuser);
      const { client } = await connect(server, sdk);
      await expect(client.callTool('fail')).rejects.toThrow(/overloaded/);
      expect(await settle(server)).toEqual([]);
    },
  );

  it('flushes on close: everything captured before close is delivered, and the plugin stays usable', async () => {
    const plugin = sentry();
    const first = observe(createExampleServer({ sdk })).use(plugin);
    const firstClient = await connectInMemory(first, sdk);
    await Promise.all([firstClient.callTool('fail'), firstClient.getPrompt('broken').catch(() => undefined)]);
    await waitFor(() => endpointFacts(first)?.inFlight === 0, 'requests to end');
    receiver.holdResponses(300);
    await firstClient.close();
    await first.close();
    expect(receiver.events()).toHaveLength(2);
    receiver.holdResponses(undefined);
    receiver.clear();

    const second = observe(createExampleServer({ sdk })).use(plugin);
    const { client } = await connect(second, sdk);
    await client.callTool('fail');
    expect(await settle(second)).toHaveLength(1);
  });

  it.each([true, false])(
    'reports transport errors with the session tags (captureTransportErrors: %s)',
    async (enabled) => {
      const server = observe(createExampleServer({ sdk })).use(sentry({ captureTransportErrors: enabled }));
      const { serverSide } = await linked(server);
      serverSide.onerror?.(new Error('the transport broke'));
      const events = await settle(server);
      if (!enabled) {
        expect(events).toEqual([]);
        return;
      }
      expect(events).toHaveLength(1);
      expect(exceptionOf(events[0]!)).toMatchObject({
        value: 'the transport broke',
        mechanism: { type: MECHANISM_TYPE, handled: false, data: { error_type: 'transport' } },
      });
      expect(events[0]?.tags).toMatchObject({
        'mcp.transport': 'in-memory',
        'mcp.client.name': 'test-client',
      });
      expect(events[0]?.tags).not.toHaveProperty('mcp.method.name');
      expect(events[0]?.fingerprint).toEqual(['mcp', 'transport', 'in-memory', 'Error']);
    },
  );

  /** The example server on a linked in-memory pair, so the test can fail the server's transport itself. */
  async function linked(server: ExampleServer) {
    const { client, serverSide } = await connectInMemoryPair(server, sdk);
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    return { client, serverSide };
  }

  const mcpCrumbs = (event: SentryEvent | undefined) =>
    (event?.breadcrumbs ?? [])
      .filter((crumb) => crumb.category === 'mcp')
      .map(
        (crumb) =>
          `${crumb.message} ${crumb.data?.['error.type'] ?? '-'} ${crumb.data?.['mcp.error.side'] ?? '-'}`,
      );

  it("a transport error the client caused is a breadcrumb (its class only); one of the server's side is not", async () => {
    const server = observe(createExampleServer({ sdk })).use(sentry());
    const { client, serverSide } = await linked(server);
    serverSide.onerror?.(new SyntaxError('Unexpected token } in JSON at position 12'));
    serverSide.onerror?.(new Error('the transport broke'));
    await client.callTool('echo', { text: 'hi' });
    await client.callTool('fail');
    const events = await settle(server);
    expect(events.map((event) => exceptionOf(event)?.value).sort()).toEqual(
      ['the transport broke', TOOL_FAILURE_MESSAGE].sort(),
    );
    const failure = events.find((event) => exceptionOf(event)?.value === TOOL_FAILURE_MESSAGE);
    expect(mcpCrumbs(failure)).toEqual([
      'initialize - -',
      'transport error (client) SyntaxError client',
      'tools/call echo - -',
    ]);
  });

  it('two instances on one server: the one with maxBreadcrumbs 0 keeps no breadcrumbs, the other keeps its own', async () => {
    // The first instance reports nothing here (no breadcrumbs, tool errors off); the second reports the
    // isError result with the session's breadcrumbs, each request once.
    const server = observe(createExampleServer({ sdk })).use(
      sentry({ maxBreadcrumbs: 0 }),
      sentry({ toolErrors: 'message', maxBreadcrumbs: 5 }),
    );
    const { client, serverSide } = await linked(server);
    serverSide.onerror?.(new SyntaxError('Unexpected end of JSON input'));
    await client.callTool('echo', { text: 'hi' });
    expect((await client.callTool('soft_fail')).isError).toBe(true);
    const events = await settle(server);
    expect(events.map((event) => event.logentry?.message ?? event.message)).toEqual([
      'Tool "soft_fail" returned an error result',
    ]);
    expect(mcpCrumbs(events[0])).toEqual([
      'initialize - -',
      'transport error (client) SyntaxError client',
      'tools/call echo - -',
    ]);
  });

  it('keeps Sentry grouping when fingerprint is off', async () => {
    const { server, client } = await setUp(sdk, { fingerprint: false });
    await client.callTool('fail');
    const events = await settle(server);
    expect(events).toHaveLength(1);
    expect(events[0]?.fingerprint).toBeUndefined();
    expect(events[0]?.tags).toMatchObject({ 'gen_ai.tool.name': 'fail' });
  });

  if (sdk === 'v2') {
    it('modern protocol era (no initialize, no session): client facts come from each request', async () => {
      const plugin = sentry();
      const http = await startHttpServer({
        sdk,
        mode: 'handler',
        createServer: () => observe(createExampleServer({ sdk })).use(plugin),
      });
      cleanups.push(() => http.close());
      const client = await connectHttp(sdk, http.url, {
        name: 'modern-client',
        version: '4.5.6',
        modern: true,
      });
      cleanups.push(() => client.close());
      expect((await client.callTool('fail')).isError).toBe(true);
      await waitFor(() => receiver.events().length > 0, 'the event');
      await Sentry.flush(5_000);
      const events = receiver.events();
      expect(events).toHaveLength(1);
      expect(events[0]?.tags).toMatchObject({
        'gen_ai.tool.name': 'fail',
        'mcp.client.name': 'modern-client',
        'mcp.client.version': '4.5.6',
        'mcp.protocol.version': '2026-07-28',
      });
      expect(events[0]?.tags).not.toHaveProperty('mcp.session.id');
    });
  }

  const httpModes =
    sdk === 'v1' ? (['stateful', 'stateless'] as const) : (['stateful', 'stateless', 'handler'] as const);
  it.each(httpModes)('streamable HTTP (%s): tags name the transport and the session', async (mode) => {
    const plugin = sentry();
    const http = await startHttpServer({
      sdk,
      mode,
      createServer: () => observe(createExampleServer({ sdk })).use(plugin),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    expect((await client.callTool('fail')).isError).toBe(true);
    await waitFor(() => receiver.events().length > 0, 'the event');
    await Sentry.flush(5_000);
    const events = receiver.events();
    expect(events).toHaveLength(1);
    expect(events[0]?.tags).toMatchObject({
      'gen_ai.tool.name': 'fail',
      'mcp.transport': 'streamable-http',
      'network.transport': 'tcp',
    });
    const sessionId = (client.raw.transport as { sessionId?: string } | undefined)?.sessionId;
    if (mode === 'stateful') {
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(events[0]?.tags?.['mcp.session.id']).toBe(sessionId);
    } else {
      expect(events[0]?.tags).not.toHaveProperty('mcp.session.id');
    }
  });
});
