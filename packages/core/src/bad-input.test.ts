/**
 * Bad input gets the bare server's answer, byte for byte, and core never throws: malformed JSON,
 * missing and null ids, non-string methods, `__proto__` and `constructor` as tool names and argument
 * keys, 5 MB arguments, duplicate ids.
 */
import {
  connectRaw,
  createExampleServer,
  delay,
  SDK_VERSIONS,
  type SdkVersion,
  startHttpServer,
  waitFor,
} from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { runRawStdio } from '../test/raw-stdio.js';
import { recordingPlugin } from '../test/recording-plugin.js';
import { type Diagnostic, observe } from './index.js';

const initialize = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const call = (id: unknown, name: unknown, args: unknown = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});
const bigText = 'x'.repeat(5 * 1024 * 1024);

/** Messages as JSON text: each server gets its own fresh parse (so `__proto__` stays an own key). */
const BAD_MESSAGES: string[] = [
  JSON.stringify({ jsonrpc: '2.0', id: null, method: 'tools/list' }),
  JSON.stringify({ jsonrpc: '2.0', method: 5, id: 1 }),
  JSON.stringify({ jsonrpc: '2.0', id: 2 }),
  JSON.stringify({ jsonrpc: '2.0', method: 'tools/list' }),
  '{}',
  'null',
  '"just a string"',
  '[1, 2, 3]',
  JSON.stringify({ jsonrpc: '1.0', id: 3, method: 'ping' }),
  JSON.stringify({ jsonrpc: '2.0', id: 4.5, method: 'ping' }),
  JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping', unexpected: true }),
  JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'ping', params: { _meta: 'not an object' } }),
  JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping', params: { _meta: { progressToken: 1.5 } } }),
  JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: 'not an object' }),
  JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call' }),
  JSON.stringify(call(10, '__proto__')),
  JSON.stringify(call(11, 'constructor')),
  JSON.stringify(call(12, 'toString')),
  JSON.stringify(call(13, 42)),
  '{"jsonrpc":"2.0","id":14,"method":"tools/call","params":{"name":"echo","arguments":{"__proto__":{"polluted":true},"text":"proto"}}}',
  '{"jsonrpc":"2.0","id":15,"method":"tools/call","params":{"name":"echo","arguments":{"constructor":{"prototype":{"x":1}},"text":"ctor"}}}',
  '{"jsonrpc":"2.0","id":"__proto__","method":"ping"}',
  JSON.stringify(call(16, 'echo', { text: bigText })),
  JSON.stringify(call(17, 'echo', { text: 'first with id 17' })),
  JSON.stringify(call(17, 'echo', { text: 'second with id 17' })),
  JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 999 } }),
  JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled' }),
  JSON.stringify({ jsonrpc: '2.0', id: 18, result: {} }),
  JSON.stringify({ jsonrpc: '2.0', id: 19, error: { code: -1, message: 'unsolicited' } }),
  JSON.stringify({ jsonrpc: '2.0', id: 20, method: 'resources/read', params: { uri: 'not a uri' } }),
  JSON.stringify({ jsonrpc: '2.0', id: 21, method: 'prompts/get', params: { name: { nested: true } } }),
];

const sorted = (messages: unknown[]) => messages.map((message) => JSON.stringify(message)).sort();

async function answersInMemory(sdk: SdkVersion, observed: boolean, failures: Diagnostic[]) {
  const example = createExampleServer({ sdk });
  const recorder = recordingPlugin();
  const server = observed
    ? observe(example, { onDiagnostic: (failure) => failures.push(failure) }).use(recorder)
    : example;
  const connection = await connectRaw(server, sdk);
  await connection.send(JSON.parse(JSON.stringify(initialize)));
  await waitFor(() => connection.received.length === 1, 'initialize answer');
  await connection.send(JSON.parse(JSON.stringify(initialized)));
  for (const text of BAD_MESSAGES) await connection.send(JSON.parse(text)).catch(() => undefined);
  // Wait for quiet: the answers stop arriving.
  let seen = -1;
  while (seen !== connection.received.length) {
    seen = connection.received.length;
    await delay(100);
  }
  if (observed) await waitFor(() => recorder.inFlight === 0, 'requests to end');
  await connection.close();
  return { received: connection.received, recorder };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('answers bad input in memory exactly as the bare server, with nothing left in flight', async () => {
    const failures: Diagnostic[] = [];
    const bare = await answersInMemory(sdk, false, failures);
    const observed = await answersInMemory(sdk, true, failures);
    expect(observed.received.length).toBe(bare.received.length);
    expect(sorted(observed.received)).toEqual(sorted(bare.received));
    expect(failures).toEqual([]);
    expect(observed.recorder.inFlight).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Both requests that reused id 17 started and ended, each exactly once.
    const seventeen = observed.recorder.ended.filter((request) => request.id === 17);
    expect(seventeen).toHaveLength(2);
  });

  it.each([false, true])(
    'gives two in-flight requests that share an id their own facts (request context: %s)',
    async (requestContext) => {
      const recorder = recordingPlugin();
      const server = observe(createExampleServer({ sdk }), { requestContext }).use(recorder);
      const connection = await connectRaw(server, sdk);
      await connection.send(JSON.parse(JSON.stringify(initialize)));
      await connection.send(initialized);
      await connection.send(call(3, 'slow', { ms: 50 }));
      await connection.send(call(3, 'fail'));
      await connection.send({ jsonrpc: '2.0', id: 3, method: 'ping' });
      await waitFor(() => recorder.ended.length === 4, 'four requests to end');
      const ended = recorder.ended
        .slice(1)
        .sort((a, b) => `${a.method}${a.target}`.localeCompare(`${b.method}${b.target}`));
      const facts = ended.map((request) => ({
        method: request.method,
        target: request.target,
        outcome: request.outcome,
        reason: request.toolErrorReason,
        result: request.outcome === 'ok' ? JSON.stringify(request.result) : undefined,
      }));
      expect(facts).toEqual([
        { method: 'ping', target: undefined, outcome: 'ok', reason: undefined, result: '{}' },
        {
          method: 'tools/call',
          target: 'fail',
          outcome: 'tool_error',
          reason: 'handler_threw',
          result: undefined,
        },
        {
          method: 'tools/call',
          target: 'slow',
          outcome: 'ok',
          reason: undefined,
          result: JSON.stringify({ content: [{ type: 'text', text: 'slept 50' }] }),
        },
      ]);
      await connection.close();
    },
  );

  it('answers malformed bytes on stdio exactly as the bare server', async () => {
    const chunks = [
      `${JSON.stringify(initialize)}\n`,
      `${JSON.stringify(initialized)}\n`,
      '{ not json at all\n',
      '\n',
      `${JSON.stringify(call(1, 'echo', { text: 'after garbage' }))}\n`,
      `${BAD_MESSAGES[1]}\n`,
      `${JSON.stringify(call(2, '__proto__'))}\n`,
      '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"__proto__":{"p":1},"text":"x"}}}\n',
    ];
    const bare = await runRawStdio(sdk, 'bare', chunks, 4);
    const observed = await runRawStdio(sdk, 'observed', chunks, 4);
    const lines = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.length > 0)
        .sort();
    expect(lines(observed.stdout)).toEqual(lines(bare.stdout));
    expect(lines(observed.stdout)).toHaveLength(4);
    expect(observed.stderr).not.toContain('[mcpscope]');
  });

  it('answers malformed HTTP bodies exactly as the bare server', async () => {
    const bodies = [
      '{ not json',
      '',
      '[]',
      JSON.stringify({ jsonrpc: '2.0', id: null, method: 'tools/list' }),
      JSON.stringify({ jsonrpc: '2.0', method: 7, id: 1 }),
      JSON.stringify([initialize, call(1, '__proto__')]),
      JSON.stringify(initialize),
    ];
    const answers = async (observed: boolean) => {
      const failures: Diagnostic[] = [];
      const http = await startHttpServer({
        sdk,
        mode: 'stateless',
        createServer: () => {
          const server = createExampleServer({ sdk });
          return observed ? observe(server, { onDiagnostic: (failure) => failures.push(failure) }) : server;
        },
      });
      const results: string[] = [];
      for (const body of bodies) {
        const response = await fetch(http.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body,
        });
        results.push(`${response.status} ${await response.text()}`);
      }
      await http.close();
      return { results, failures };
    };
    const bare = await answers(false);
    const observed = await answers(true);
    expect(observed.results).toEqual(bare.results);
    expect(observed.failures).toEqual([]);
  });
});
