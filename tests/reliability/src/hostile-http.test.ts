/**
 * Hostile HTTP clients against a bare and an observed Streamable HTTP server (a server per session, as in
 * examples/http-server; every plugin on): malformed bodies, batches, odd ids, prototype keys, hostile
 * method and tool names, requests in sessions that do not exist, aborted requests and dropped SSE streams.
 * Each answer is compared with the bare server's, byte for byte and framing included; afterwards nothing
 * is in flight, no prototype was polluted, no plugin failed, every log line is one JSON object, /metrics
 * passes promtool, and no client mistake became a Sentry event.
 */
import { request as httpRequest } from 'node:http';
import { endpointFacts, nodeHandler } from '@mcpscope/core';
import {
  createExampleServer,
  type RunningHttpServer,
  SDK_VERSIONS,
  type SdkVersion,
  startHttpServer,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addHoldTool, type Gate, gate } from '../test/hold-tool.js';
import { inMemoryTracing } from '../test/otel.js';
import { promtoolCheckMetrics } from '../test/promtool.js';
import { sentryForSuite } from '../test/sentry-endpoint.js';
import { createStack, type Stack } from '../test/stack.js';
import { until } from '../test/until.js';

const otel = inMemoryTracing();
const sentrySuite = sentryForSuite();
const PROTOCOL_VERSION = '2025-06-18';
const ACCEPT = 'application/json, text/event-stream';

interface Sent {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Send in the server's open session (its id and protocol version headers added). */
  readonly inSession?: boolean;
}

interface Answer {
  readonly status: number;
  readonly framing: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const COMPARED_HEADERS = ['content-type', 'allow', 'cache-control', 'www-authenticate'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function send(url: URL, sent: Sent, sessionId: string | undefined): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: ACCEPT,
    ...(sent.inSession && sessionId !== undefined
      ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION }
      : {}),
    ...sent.headers,
  };
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: sent.method ?? 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const picked: Record<string, string> = {};
        for (const name of COMPARED_HEADERS) {
          const value = response.headers[name];
          if (value !== undefined) picked[name] = String(value);
        }
        if (response.headers['mcp-session-id'] !== undefined) picked['mcp-session-id'] = '<session>';
        resolve({
          status: response.statusCode ?? 0,
          framing:
            response.headers['transfer-encoding'] ??
            (response.headers['content-length'] === undefined ? 'none' : 'content-length'),
          headers: picked,
          body: Buffer.concat(chunks).toString('utf8').replace(UUID, '<session>'),
        });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(sent.body);
  });
}

const message = (value: Record<string, unknown>): string => JSON.stringify({ jsonrpc: '2.0', ...value });
const call = (id: unknown, name: unknown, args: unknown = {}): string =>
  `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${typeof args === 'string' ? args : JSON.stringify(args)}}}`;

/** Inputs with no session: none of them may leave anything behind. */
const SESSIONLESS: Record<string, Sent> = {
  'truncated JSON': { body: '{"jsonrpc":' },
  'empty body': { body: '' },
  'not JSON': { body: 'hello' },
  'JSON null': { body: 'null' },
  'a number': { body: '42' },
  'a string': { body: '"initialize"' },
  'an empty batch': { body: '[]' },
  'a batch of junk': { body: '[1, "two", null, {}]' },
  'a tools/call before initialize': { body: call(1, 'echo', { text: 'x' }) },
  'JSON-RPC 1.0': { body: message({ jsonrpc: '1.0', id: 1, method: 'ping' }) },
  'a response nobody asked for': { body: message({ id: 5, result: {} }) },
  'a prototype key at the top': {
    body: '{"__proto__":{"polluted":true},"jsonrpc":"2.0","id":1,"method":"ping"}',
  },
  'text/plain': { headers: { 'content-type': 'text/plain' }, body: message({ id: 1, method: 'ping' }) },
  'no Accept': { headers: { accept: '' }, body: message({ id: 1, method: 'ping' }) },
  'a session that does not exist': {
    headers: { 'mcp-session-id': '00000000-0000-4000-8000-000000000000' },
    body: message({ id: 1, method: 'ping' }),
  },
  'GET without a session': { method: 'GET', headers: { accept: 'text/event-stream' } },
  'DELETE without a session': { method: 'DELETE' },
  PUT: { method: 'PUT', body: '{}' },
  'a 1 MiB string': { body: JSON.stringify('x'.repeat(1024 * 1024)) },
  'deep nesting': { body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
};

/** Inputs inside an initialized session. */
const IN_SESSION: Record<string, Sent> = {
  'id null': { body: call(null, 'echo', { text: 'a' }) },
  'id an object': { body: call({ a: 1 }, 'echo', { text: 'a' }) },
  'id an array': { body: call([1], 'echo', { text: 'a' }) },
  'id 1e308': { body: call(1e308, 'echo', { text: 'a' }) },
  'id -1': { body: call(-1, 'echo', { text: 'a' }) },
  'id 1.5': { body: call(1.5, 'echo', { text: 'a' }) },
  'id "__proto__"': { body: call('__proto__', 'echo', { text: 'a' }) },
  'id "constructor"': { body: call('constructor', 'echo', { text: 'a' }) },
  'id 10,000 characters': { body: call('i'.repeat(10_000), 'echo', { text: 'a' }) },
  'method __proto__': { body: message({ id: 2, method: '__proto__' }) },
  'method constructor': { body: message({ id: 2, method: 'constructor' }) },
  'method toString': { body: message({ id: 2, method: 'toString' }) },
  'method hasOwnProperty': { body: message({ id: 2, method: 'hasOwnProperty' }) },
  'method with a newline and quotes': { body: message({ id: 2, method: 'tools/call\n"} evil' }) },
  'method of 5,000 characters': { body: message({ id: 2, method: 'm'.repeat(5000) }) },
  'empty method': { body: message({ id: 2, method: '' }) },
  'method a number': { body: '{"jsonrpc":"2.0","id":2,"method":7}' },
  'tool __proto__': { body: call(3, '__proto__') },
  'tool constructor': { body: call(3, 'constructor') },
  'tool name an object': { body: call(3, { name: 'echo' }) },
  'tool name with label breakers': { body: call(3, 'x"}\n# HELP evil\nevil{a="1"} 1') },
  'arguments with __proto__': { body: call(4, 'echo', '{"text":"a","__proto__":{"polluted":true}}') },
  'arguments with constructor.prototype': {
    body: call(4, 'echo', '{"text":"a","constructor":{"prototype":{"polluted":true}}}'),
  },
  'arguments of the wrong type': { body: call(4, 'add', { a: 'one', b: [] }) },
  'arguments a string': { body: call(4, 'echo', '"text"') },
  'params an array': { body: '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":[1,2]}' },
  'a batch of two pings': {
    body: `[${message({ id: 6, method: 'ping' })},${message({ id: 7, method: 'ping' })}]`,
  },
  'a batch of notifications': { body: `[${message({ method: 'notifications/initialized' })}]` },
  'cancel an unknown request': {
    body: message({ method: 'notifications/cancelled', params: { requestId: 999 } }),
  },
  'an unknown notification': { body: message({ method: 'notifications/x', params: { __proto__: 1 } }) },
  'a response to nothing': { body: message({ id: 77, result: { content: [] } }) },
  'an error to nothing': { body: message({ id: 78, error: { code: -1, message: 'x' } }) },
  'prompts/get with missing arguments': {
    body: message({ id: 8, method: 'prompts/get', params: { name: 'greet' } }),
  },
  'resources/read of an unknown uri': {
    body: message({ id: 9, method: 'resources/read', params: { uri: 'x://?' } }),
  },
  'a wrong protocol version header': {
    headers: { 'mcp-protocol-version': '1999-01-01' },
    body: message({ id: 10, method: 'ping' }),
  },
  'initialize again': {
    body: message({
      id: 11,
      method: 'initialize',
      params: {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'again', version: '1' },
      },
    }),
  },
};

interface Target {
  readonly http: RunningHttpServer;
  readonly servers: object[];
  readonly held: Gate;
  readonly stack: Stack | undefined;
  sessionId: string | undefined;
}

const targets: Target[] = [];

afterEach(async () => {
  while (targets.length > 0) {
    const target = targets.pop()!;
    target.held.open();
    await target.http.close();
    target.stack?.dispose();
  }
});

afterAll(() => {
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
});

async function start(sdk: SdkVersion, observed: boolean): Promise<Target> {
  const held = gate();
  const servers: object[] = [];
  const stack = observed ? createStack({ tracerProvider: otel.provider, keepRequests: false }) : undefined;
  const http = await startHttpServer({
    sdk,
    mode: 'stateful',
    createServer: () => {
      const server = addHoldTool(createExampleServer({ sdk }), held);
      const served = stack === undefined ? server : stack.observe(server);
      servers.push(served);
      return served;
    },
    ...(stack === undefined ? {} : { routes: nodeHandler(stack.plugins) }),
  });
  const target: Target = { http, servers, held, stack, sessionId: undefined };
  targets.push(target);
  return target;
}

async function initialize(target: Target): Promise<void> {
  const url = target.http.url;
  const answer = await new Promise<string | undefined>((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers['mcp-session-id'] as string | undefined));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(
      message({
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: 'hostile', version: '1' },
        },
      }),
    );
  });
  target.sessionId = answer;
  await send(url, { inSession: true, body: message({ method: 'notifications/initialized' }) }, answer);
}

const inFlight = (target: Target): number =>
  target.servers.reduce((sum, server) => sum + (endpointFacts(server)?.inFlight ?? 0), 0);

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('answers every hostile input exactly as the bare server, leaving nothing behind', async () => {
    const bare = await start(sdk, false);
    const observed = await start(sdk, true);
    const eventsBefore = sentrySuite.endpoint().events().length;
    const differences: string[] = [];
    let compared = 0;
    const compare = async (cases: Record<string, Sent>) => {
      for (const [name, sent] of Object.entries(cases)) {
        const [expected, actual] = [
          await send(bare.http.url, sent, bare.sessionId),
          await send(observed.http.url, sent, observed.sessionId),
        ];
        compared++;
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          differences.push(`${name}: bare ${JSON.stringify(expected)} observed ${JSON.stringify(actual)}`);
        }
      }
    };
    await compare(SESSIONLESS);
    await initialize(bare);
    await initialize(observed);
    expect(observed.sessionId).toMatch(UUID);
    await compare(
      Object.fromEntries(
        Object.entries(IN_SESSION).map(([name, sent]) => [name, { ...sent, inSession: true }]),
      ),
    );
    expect(differences).toEqual([]);
    expect(compared).toBe(Object.keys(SESSIONLESS).length + Object.keys(IN_SESSION).length);

    const stack = observed.stack!;
    await until(() => inFlight(observed) === 0, 'nothing in flight');
    expect(stack.failures).toEqual([]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    // Every log line parsed as one JSON object (the sink parses each line) and none is an error line.
    expect(stack.log.lines().filter((line) => (line.level as number) >= 50)).toEqual([]);
    // Client mistakes are not Sentry errors.
    expect(await Sentry.flush(5_000)).toBe(true);
    expect(sentrySuite.endpoint().events().slice(eventsBefore)).toEqual([]);
    // Hostile names never break the exposition.
    const metricsText = await (await fetch(new URL('/metrics', observed.http.baseUrl))).text();
    expect(metricsText).toContain('mcp_server_operation_duration_seconds_count');
    expect(metricsText).not.toContain('# HELP evil');
    const checked = promtoolCheckMetrics(metricsText);
    expect(checked.output).toBe('');
    expect(checked.status).toBe(0);
  }, 120_000);

  it('survives aborted requests and dropped SSE streams: in flight back to 0, later answers identical', async () => {
    const bare = await start(sdk, false);
    const observed = await start(sdk, true);
    for (const target of [bare, observed]) {
      await initialize(target);
      // A call to the held tool, aborted by the client before it is answered.
      const aborted = new AbortController();
      const pending = fetch(target.http.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: ACCEPT,
          'mcp-session-id': target.sessionId!,
          'mcp-protocol-version': PROTOCOL_VERSION,
        },
        body: call(20, 'hold'),
        signal: aborted.signal,
      }).catch((error: unknown) => error);
      if (target.stack !== undefined) await until(() => inFlight(target) === 1, 'the held call in flight');
      aborted.abort();
      expect(await pending).toBeInstanceOf(Error);
      // The standalone SSE stream, opened and dropped at once.
      const stream = new AbortController();
      const opened = await fetch(target.http.url, {
        method: 'GET',
        headers: {
          accept: 'text/event-stream',
          'mcp-session-id': target.sessionId!,
          'mcp-protocol-version': PROTOCOL_VERSION,
        },
        signal: stream.signal,
      });
      expect(opened.status).toBe(200);
      stream.abort();
      target.held.open();
    }
    await until(() => inFlight(observed) === 0, 'the aborted call to end');
    const after: Record<string, Sent> = {
      'a call after the abort': { inSession: true, body: call(21, 'echo', { text: 'still here' }) },
      'ending the session': {
        inSession: true,
        method: 'DELETE',
      },
    };
    for (const [name, sent] of Object.entries(after)) {
      const expected = await send(bare.http.url, sent, bare.sessionId);
      const actual = await send(observed.http.url, sent, observed.sessionId);
      expect(actual, name).toEqual(expected);
    }
    expect(observed.stack!.failures).toEqual([]);
    expect(
      observed.stack!.log.lines().filter((line) => line['mcp.request.outcome'] !== undefined).length,
    ).toBe(observed.stack!.recorder.endedCount);
  }, 60_000);
});
