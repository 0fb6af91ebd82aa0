/**
 * How core tracks inbound requests by id: reused ids answered in any order, requests the SDK never runs,
 * requests that end before a plugin dispatched them, and the request a notification belongs to.
 */

import {
  connectInMemory,
  connectRaw,
  createExampleServer,
  HandlerCalls,
  SDK_VERSIONS,
  type SdkVersion,
  waitFor,
} from '@mcpscope/test-kit';
import { InMemoryTaskMessageQueue, InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { initializeRaw } from '../test/raw-session.js';
import { recordingPlugin } from '../test/recording-plugin.js';
import { CORE_DIAGNOSTIC_CODES, CORE_PLUGIN, clearDiagnostic } from './diagnostics.js';
import { type Diagnostic, endpointFacts, type McpscopePlugin, observe, type RequestFacts } from './index.js';

const HOLDS = ['a', 'b', 'c'] as const;
type Hold = (typeof HOLDS)[number];

/** A server with tools `hold-a`, `hold-b`, `hold-c`, each answering its own name once released. */
function serverWithHolds(sdk: SdkVersion) {
  const releases = new Map<Hold, () => void>();
  const released = new Map<Hold, Promise<void>>();
  for (const hold of HOLDS) {
    released.set(hold, new Promise<void>((resolve) => releases.set(hold, resolve)));
  }
  const server = createExampleServer({ sdk });
  for (const hold of HOLDS) {
    (server as { registerTool: (...args: unknown[]) => void }).registerTool(
      `hold-${hold}`,
      { description: 'Waits until released' },
      async () => {
        await released.get(hold);
        return { content: [{ type: 'text', text: `hold-${hold}` }] };
      },
    );
  }
  return { server, release: (hold: Hold) => releases.get(hold)!() };
}

const callWithId = (id: number, tool: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: tool, arguments: {} },
});

const textOf = (result: unknown) => (result as { content: { text: string }[] }).content[0]!.text;

const toolCalls = (requests: readonly RequestFacts[]) =>
  requests.filter((request) => request.method === 'tools/call');

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it.each([
    ['b', 'c', 'a'],
    ['c', 'b', 'a'],
    ['a', 'c', 'b'],
    ['b', 'a', 'c'],
  ] as Hold[][])(
    'three requests reusing one id, answered in the order %s, %s, %s: each gets its own answer',
    async (...order) => {
      const { server, release } = serverWithHolds(sdk);
      const recorder = recordingPlugin();
      const observed = observe(server).use(recorder);
      const connection = await connectRaw(observed, sdk);
      await initializeRaw(connection);
      for (const hold of HOLDS) await connection.send(callWithId(7, `hold-${hold}`));
      await waitFor(() => endpointFacts(observed)?.inFlight === 3, 'three calls in flight');

      for (const [index, hold] of order.entries()) {
        release(hold);
        await waitFor(() => toolCalls(recorder.ended).length === index + 1, `hold-${hold} ended`);
        expect(endpointFacts(observed)?.inFlight).toBe(2 - index);
      }
      const ended = toolCalls(recorder.ended);
      expect(ended.map((request) => [request.target, request.outcome, textOf(request.result)])).toEqual(
        order.map((hold) => [`hold-${hold}`, 'ok', `hold-${hold}`]),
      );
      const answers = connection.received.filter((message) => (message as { id?: unknown }).id === 7);
      expect(answers.map((answer) => textOf((answer as { result: unknown }).result))).toEqual(
        order.map((hold) => `hold-${hold}`),
      );

      // Nothing of the three is left behind: the id is free again.
      await connection.send(callWithId(7, 'echo'));
      await waitFor(() => toolCalls(recorder.ended).length === 4, 'the call after');
      expect((toolCalls(recorder.ended)[3] as { duplicateId?: boolean }).duplicateId).toBe(false);
      expect(endpointFacts(observed)?.inFlight).toBe(0);
      await connection.close();
    },
  );

  it('a request cancelled before a plugin dispatched it never reaches its handler', async () => {
    const calls = new HandlerCalls();
    const recorder = recordingPlugin();
    let dispatchLater: (() => void) | undefined;
    const deferring: McpscopePlugin = {
      name: 'deferring',
      aroundRequest: (request, dispatch) => {
        if (request.method === 'tools/call') dispatchLater = dispatch;
        else dispatch();
      },
    };
    const observed = observe(createExampleServer({ sdk, calls })).use(recorder).use(deferring);
    const connection = await connectRaw(observed, sdk);
    await initializeRaw(connection);
    await connection.send(callWithId(5, 'echo'));
    await waitFor(() => dispatchLater !== undefined, 'the call held by the plugin');
    await connection.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5 } });
    await waitFor(() => toolCalls(recorder.ended).length === 1, 'the cancelled call');
    dispatchLater!();
    await connection.send({ jsonrpc: '2.0', id: 6, method: 'ping' });
    await waitFor(() => connection.received.length === 2, 'the ping answer');
    expect(connection.received[1]).toEqual({ jsonrpc: '2.0', id: 6, result: {} });
    expect(calls.count('tool:echo')).toBe(0);
    expect(toolCalls(recorder.ended).map((request) => [request.id, request.outcome])).toEqual([
      [5, 'cancelled'],
    ]);
    expect(endpointFacts(observed)?.inFlight).toBe(0);
    await connection.close();
  });
});

// SDK 1's in-memory transport hands core the client's message object itself, getters included.
describe('SDK v1: core cannot read what it needs', () => {
  // Core reports each failing hook once per process; each test here expects its own report.
  beforeEach(() => clearDiagnostic(CORE_PLUGIN, CORE_DIAGNOSTIC_CODES.coreFailed));

  it('a request core fails to start still reaches the SDK unobserved, and core reports it once', async () => {
    const diagnostics: Diagnostic[] = [];
    const recorder = recordingPlugin();
    const calls = new HandlerCalls();
    const observed = observe(createExampleServer({ sdk: 'v1', calls }), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    }).use(recorder);
    const connection = await connectRaw(observed, 'v1');
    await initializeRaw(connection);
    const params = { name: 'echo', arguments: { text: 'hi' } };
    const message = {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      // Readable everywhere except where core builds the request's record.
      get params() {
        if (new Error().stack?.includes('new RequestRecord')) throw new Error('params unreadable here');
        return params;
      },
    };
    await connection.send(message);
    await waitFor(() => connection.received.length === 2, 'the answer');
    expect(connection.received[1]).toEqual({
      jsonrpc: '2.0',
      id: 3,
      result: { content: [{ type: 'text', text: 'hi' }] },
    });
    expect(calls.count('tool:echo')).toBe(1);
    expect(diagnostics.map((diagnostic) => [diagnostic.plugin, diagnostic.hook])).toEqual([
      ['core', 'onRequestStart'],
    ]);
    expect(toolCalls(recorder.started)).toEqual([]);
    expect(toolCalls(recorder.ended)).toEqual([]);
    expect(endpointFacts(observed)?.inFlight).toBe(0);
    await connection.close();
  });

  it('a request whose tool facts core cannot read is still observed from start to end', async () => {
    const diagnostics: Diagnostic[] = [];
    const recorder = recordingPlugin();
    const server = createExampleServer({ sdk: 'v1' });
    const observed = observe(server, { onDiagnostic: (diagnostic) => diagnostics.push(diagnostic) }).use(
      recorder,
    );
    const echo = (server as unknown as { _registeredTools: Record<string, object> })._registeredTools.echo!;
    Object.defineProperty(echo, 'enabled', {
      get: () => {
        if (new Error().stack?.includes('toolCallFacts')) throw new Error('unreadable for core');
        return true;
      },
    });
    const client = await connectInMemory(observed, 'v1');
    expect(await client.callTool('echo', { text: 'hi' })).toEqual({
      content: [{ type: 'text', text: 'hi' }],
    });
    await waitFor(() => toolCalls(recorder.ended).length === 1, 'the call');
    expect(diagnostics.map((diagnostic) => [diagnostic.plugin, diagnostic.hook])).toEqual([
      ['core', 'onRequestStart'],
    ]);
    const [started] = toolCalls(recorder.started);
    expect(toolCalls(recorder.ended)).toEqual([started]);
    expect(started).toMatchObject({ target: 'echo', outcome: 'ok' });
    expect(endpointFacts(observed)?.inFlight).toBe(0);
    await client.close();
  });
});

/** SDK 1.x with a task store queues the answer to a request naming a task: it never reaches the wire. */
function taskQueueingServer() {
  const server = new V1McpServer(
    { name: 'tasks', version: '1.0.0' },
    {
      capabilities: { tools: {}, tasks: { requests: { tools: { call: {} } } } },
      taskStore: new InMemoryTaskStore(),
      taskMessageQueue: new InMemoryTaskMessageQueue(),
    },
  );
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  server.registerTool('hold', { description: 'Waits until released' }, async () => {
    await released;
    return { content: [{ type: 'text', text: 'released' }] };
  });
  return { server, release };
}

const forTask = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'unknown/method',
  params: { _meta: { 'io.modelcontextprotocol/related-task': { taskId: 'no-such-task' } } },
});

describe('SDK v1: requests the SDK accepts but never answers on the wire', () => {
  it('ends them as errors, alone or while another request with their id runs', async () => {
    const { server, release } = taskQueueingServer();
    const recorder = recordingPlugin();
    const observed = observe(server).use(recorder);
    const connection = await connectRaw(observed, 'v1');
    await initializeRaw(connection);
    const bare = taskQueueingServer();
    const bareConnection = await connectRaw(bare.server, 'v1');
    await initializeRaw(bareConnection);

    for (const peer of [connection, bareConnection]) {
      await peer.send(forTask(4));
      await peer.send(callWithId(9, 'hold'));
      await peer.send(forTask(9));
    }
    await waitFor(() => recorder.ended.length === 3, 'initialize and the two queued requests');
    expect(recorder.ended.slice(1).map((request) => [request.id, request.method, request.outcome])).toEqual([
      [4, 'unknown/method', 'error'],
      [9, 'unknown/method', 'error'],
    ]);
    expect(endpointFacts(observed)?.inFlight).toBe(1);
    release();
    bare.release();
    await waitFor(() => recorder.ended.length === 4, 'the held call');
    expect(recorder.ended[3]).toMatchObject({ id: 9, method: 'tools/call', outcome: 'ok' });
    expect(endpointFacts(observed)?.inFlight).toBe(0);
    await waitFor(() => bareConnection.received.length === 2, 'the bare answer');
    expect(connection.received).toEqual(bareConnection.received);
    await connection.close();
    await bareConnection.close();
  });
});

describe('SDK v1: the request a notification from a handler belongs to', () => {
  it('by the related request id, by progress token, and none for a server-wide notification', async () => {
    const server = new V1McpServer(
      { name: 'notifying', version: '1.0.0' },
      { capabilities: { logging: {} } },
    );
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.registerTool('hold', { description: 'Waits until released' }, async () => {
      await released;
      return { content: [{ type: 'text', text: 'released' }] };
    });
    server.registerTool('notify', { description: 'Sends four notifications' }, async (extra) => {
      const progressToken = extra._meta?.progressToken as number;
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level: 'info', data: 'mine' },
      });
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress: 1 },
      });
      // Sent without the request's id: core finds the request by its progress token.
      await server.server.notification({
        method: 'notifications/progress',
        params: { progressToken, progress: 2 },
      });
      await server.sendLoggingMessage({ level: 'info', data: 'server-wide' });
      return { content: [{ type: 'text', text: 'done' }] };
    });
    const recorder = recordingPlugin();
    const observed = observe(server).use(recorder);
    const client = await connectInMemory(observed, 'v1');
    // A call without a progress token is in flight first: it must not take the others' notifications.
    const held = client.callTool('hold');
    await waitFor(() => toolCalls(recorder.started).length === 1, 'the held call');
    const progress: number[] = [];
    await client.callTool('notify', undefined, { onprogress: (update) => progress.push(update.progress) });
    release();
    await held;
    await waitFor(() => toolCalls(recorder.ended).length === 2, 'both calls');
    const notify = toolCalls(recorder.ended).find((request) => request.target === 'notify');
    const outbound = recorder.notifications.filter((notification) => notification.direction === 'outbound');
    expect(outbound.map((notification) => [notification.method, notification.request])).toEqual([
      ['notifications/message', notify],
      ['notifications/progress', notify],
      ['notifications/progress', notify],
      ['notifications/message', undefined],
    ]);
    expect(progress).toEqual([1, 2]);
    await client.close();
  });
});
