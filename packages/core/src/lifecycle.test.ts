/**
 * Every started request ends exactly once, with one outcome, over every real transport and both SDKs.
 */
import { delay, SDK_VERSIONS, TOOL_FAILURE_MESSAGE, waitFor } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../test/fixtures/file-recorder.js';
import { createHarness, HARNESS_KINDS, type Harness, type HarnessKind } from '../test/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

function use(kind: HarnessKind, sdk: (typeof SDK_VERSIONS)[number]): Harness {
  harness = createHarness(kind, sdk);
  return harness;
}

const summary = (event: RecordedEvent) =>
  [event.method, event.target, event.outcome, event.errorType, event.toolErrorReason]
    .filter((part) => part !== undefined)
    .join(' ');

function callEnds(h: Harness): RecordedEvent[] {
  return h.ends().filter((event) => event.method !== 'initialize');
}

async function expectSettled(h: Harness): Promise<void> {
  await h.settled();
  const starts = h.starts();
  const ends = h.ends();
  expect(ends).toHaveLength(starts.length);
}

const cases = SDK_VERSIONS.flatMap((sdk) => HARNESS_KINDS[sdk].map((kind) => [sdk, kind] as const));

describe.each(cases)('SDK %s over %s', (sdk, kind) => {
  it('ends a successful call as ok, once', async () => {
    const h = use(kind, sdk);
    const client = await h.connect();
    const result = await client.callTool('echo', { text: 'hello' });
    expect(result.content).toEqual([{ type: 'text', text: 'hello' }]);
    await expectSettled(h);
    expect(callEnds(h).map(summary)).toEqual(['tools/call echo ok']);
    expect(h.handlerRuns('tool:echo')).toBe(1);
    expect(h.events().find((event) => event.hook === 'connectionOpen')?.transport).toBe(TRANSPORT_OF[kind]);
  });

  it('tells a thrown tool error, an isError result, bad arguments and an unknown tool apart', async () => {
    const h = use(kind, sdk);
    const client = await h.connect();
    await client.callTool('fail');
    await client.callTool('soft_fail');
    await client.callTool('add', { a: 'one', b: 2 });
    const unknown = await client.callTool('no_such_tool').then(
      () => 'result',
      () => 'error',
    );
    expect(unknown).toBe(sdk === 'v1' ? 'result' : 'error');
    await expectSettled(h);
    expect(callEnds(h).map(summary)).toEqual([
      'tools/call fail tool_error tool_error handler_threw',
      'tools/call soft_fail tool_error tool_error handler_returned_error',
      'tools/call add tool_error tool_error invalid_arguments',
      sdk === 'v1'
        ? 'tools/call no_such_tool tool_error tool_error unknown_tool'
        : 'tools/call no_such_tool error -32602 unknown_tool',
    ]);
    expect(callEnds(h)[0]?.error).toBe(TOOL_FAILURE_MESSAGE);
    expect(h.handlerRuns('tool:fail')).toBe(1);
    expect(h.handlerRuns('tool:soft_fail')).toBe(1);
    expect(h.handlerRuns('tool:add')).toBe(0);
  });

  it('ends invalid params as -32602 and an unknown method as -32601', async () => {
    const h = use(kind, sdk);
    const client = await h.connect();
    await expect(client.getPrompt('greet', {})).rejects.toThrow();
    await expect(client.request('no/such_method', {})).rejects.toThrow();
    await expectSettled(h);
    expect(callEnds(h).map(summary)).toEqual([
      'prompts/get greet error -32602',
      'no/such_method error -32601',
    ]);
    expect(h.handlerRuns('prompt:greet')).toBe(0);
  });

  it('ends a request the client cancels', async () => {
    const h = use(kind, sdk);
    const client = await h.connect();
    const controller = new AbortController();
    const call = client.callTool('slow', { ms: 1_500 }, { signal: controller.signal });
    await waitFor(() => h.starts().some((event) => event.method === 'tools/call'), 'the call to start');
    controller.abort('changed my mind');
    await expect(call).rejects.toThrow();
    await expectSettled(h);
    const [end] = callEnds(h);
    // A stateless server (a new server per HTTP request) never hears of the cancellation: the call
    // completes there and its answer is delivered on the still-open response stream.
    const expected = kind === 'http-stateless' || kind === 'http-handler' ? 'ok' : 'cancelled';
    expect(end?.outcome).toBe(expected);
    expect(callEnds(h)).toHaveLength(1);
    expect(h.handlerRuns('tool:slow')).toBe(1);
  });

  it('ends a request whose client disconnects mid-request', async () => {
    const h = use(kind, sdk);
    const client = await h.connect();
    const call = client.callTool('slow', { ms: 300 }).catch(() => 'failed');
    await waitFor(() => h.starts().some((event) => event.method === 'tools/call'), 'the call to start');
    await client.close();
    await call;
    await expectSettled(h);
    const ends = callEnds(h);
    expect(ends).toHaveLength(1);
    expect(ends[0]?.outcome).toBe(DISCONNECT_OUTCOME[sdk]?.[kind]);
    expect(h.handlerRuns('tool:slow')).toBe(1);
  });

  it('ends every in-flight request as closed when the server closes the transport', async () => {
    const h = use(kind, sdk);
    const client = await h.connect();
    const calls = Array.from({ length: 5 }, () =>
      client.callTool('slow', { ms: 5_000 }).catch(() => 'failed'),
    );
    await waitFor(
      () => h.starts().filter((event) => event.method === 'tools/call').length === 5,
      'five calls to start',
    );
    await h.closeServers();
    await expectSettled(h);
    expect(callEnds(h).map((event) => event.outcome)).toEqual([
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
    ]);
    await Promise.race([Promise.all(calls), delay(100)]);
  });

  it('ends 500 concurrent requests exactly once each', async () => {
    const h = use(kind, sdk);
    const client = await h.connect();
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, index) => client.callTool('echo', { text: `call ${index}` })),
    );
    expect(results.map((result) => (result.content as { text: string }[])[0]?.text)).toEqual(
      Array.from({ length: 500 }, (_, index) => `call ${index}`),
    );
    await expectSettled(h);
    const ends = callEnds(h);
    expect(ends).toHaveLength(500);
    expect(ends.every((event) => event.outcome === 'ok')).toBe(true);
    expect(h.handlerRuns('tool:echo')).toBe(500);
  });

  it('keeps equal request ids in two sessions apart', async () => {
    const h = use(kind, sdk);
    const first = await h.connect({ name: 'first-client' });
    const second = await h.connect({ name: 'second-client' });
    const [slow, failed] = await Promise.all([first.callTool('slow', { ms: 100 }), second.callTool('fail')]);
    expect(slow.isError).toBeUndefined();
    expect(failed.isError).toBe(true);
    await expectSettled(h);
    const ends = callEnds(h);
    expect(ends.map(summary).sort()).toEqual([
      'tools/call fail tool_error tool_error handler_threw',
      'tools/call slow ok',
    ]);
    // Both clients numbered their call the same way: the ids collide, the facts do not.
    expect(ends[0]?.id).toBe(ends[1]?.id);
  });
});

const TRANSPORT_OF: Record<HarnessKind, string> = {
  'in-memory': 'in-memory',
  'http-stateful': 'streamable-http',
  'http-stateless': 'streamable-http',
  'http-handler': 'streamable-http',
  'http-sse': 'sse',
  stdio: 'stdio',
};

/** What a mid-request disconnect looks like from the server, per transport. */
const DISCONNECT_OUTCOME: Record<string, Record<string, string>> = {
  v1: {
    'in-memory': 'closed',
    'http-stateful': 'cancelled',
    'http-stateless': 'closed',
    // The SSE stream closing closes the transport.
    'http-sse': 'closed',
    // v1's StdioServerTransport ignores the end of stdin: the call completes and its answer is written.
    stdio: 'ok',
  },
  v2: {
    'in-memory': 'closed',
    // v2's transport accepts the late answer for a stream the client already dropped: it reports delivery.
    'http-stateful': 'ok',
    'http-stateless': 'closed',
    'http-handler': 'closed',
    stdio: 'closed',
  },
};
