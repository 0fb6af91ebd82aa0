import { type Diagnostic, type McpscopePlugin, nodeHandler, observe } from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  type ExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  startHttpServer,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually.js';
import { type Sample, select, total } from '../test/exposition-parser.js';
import { addPingClientTool, refusingPlugin } from '../test/plugins.js';
import { scrapeRegistry, scrapeUrl } from '../test/scrape.js';
import { type CustomLabels, type MetricsPlugin, metrics } from './index.js';

const DURATION = 'mcp_server_operation_duration_seconds_count';
const ACTIVE_REQUESTS = 'mcp_server_active_requests';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function observed(sdk: SdkVersion, ...plugins: Parameters<ReturnType<typeof observe>['use']>): ExampleServer {
  const server = observe(createExampleServer({ sdk })).use(...plugins);
  addPingClientTool(server);
  return server;
}

/** The scripted workload: what each call ends as is asserted in `expectWorkload`. */
async function runWorkload(client: TestClient, scrape: () => Promise<Sample[]>): Promise<void> {
  for (let index = 0; index < 3; index++) await client.callTool('echo', { text: `hello ${index}` });
  await client.callTool('add', { a: 1, b: 2 });
  await client.callTool('soft_fail');
  await client.callTool('soft_fail');
  await client.callTool('fail');
  await client.callTool('add', { a: 'one', b: 2 });
  await client.callTool('add', { a: 'one', b: 'two' });
  await client.callTool('no_such_tool').catch(() => undefined);
  await client.callTool('another_unknown_tool').catch(() => undefined);
  await client.getPrompt('greet', { name: 'Ada' });
  await client.getPrompt('broken').catch(() => undefined);
  await client.getPrompt('no_such_prompt').catch(() => undefined);
  await client.readResource('config://app');
  await client.request('no/such/method', {}).catch(() => undefined);
  await client.callTool('ping_client');

  // One cancellation, with the in-flight gauge checked while the call runs.
  const abort = new AbortController();
  const slow = client.callTool('slow', { ms: 20_000 }, { signal: abort.signal }).catch(() => undefined);
  await eventually(async () => {
    expect(
      total(select(await scrape(), ACTIVE_REQUESTS, { mcp_method_name: 'tools/call' }), ACTIVE_REQUESTS),
    ).toBe(1);
  });
  abort.abort();
  await slow;
}

function expectWorkload(samples: readonly Sample[], sdk: SdkVersion, networkTransport: string): void {
  const count = (labels: Record<string, string>) => total(samples, DURATION, labels);
  const call = (tool: string, labels: Record<string, string> = {}) =>
    count({ mcp_method_name: 'tools/call', gen_ai_tool_name: tool, ...labels });

  expect(count({ mcp_method_name: 'initialize', mcp_request_outcome: 'ok', error_type: '' })).toBe(1);
  // Conventions' labels next to mcpscope's own: each is a function of the others (no new series).
  const echo = select(samples, DURATION, { gen_ai_tool_name: 'echo' });
  expect(echo.map((sample) => sample.labels)).toEqual([
    {
      mcp_method_name: 'tools/call',
      gen_ai_tool_name: 'echo',
      gen_ai_prompt_name: '',
      gen_ai_operation_name: 'execute_tool',
      error_type: '',
      rpc_response_status_code: '',
      mcp_error_side: '',
      mcp_request_outcome: 'ok',
      mcp_tool_error_reason: '',
      mcp_protocol_version: echo[0]!.labels.mcp_protocol_version,
      network_transport: networkTransport,
      network_protocol_name: networkTransport === 'tcp' ? 'http' : '',
    },
  ]);
  expect(call('echo', { mcp_request_outcome: 'ok', error_type: '', mcp_tool_error_reason: '' })).toBe(3);
  expect(call('add', { mcp_request_outcome: 'ok' })).toBe(1);
  expect(
    call('soft_fail', {
      mcp_request_outcome: 'tool_error',
      error_type: 'tool_error',
      rpc_response_status_code: '',
      mcp_error_side: 'tool',
      mcp_tool_error_reason: 'handler_returned_error',
    }),
  ).toBe(2);
  expect(
    call('fail', {
      mcp_request_outcome: 'tool_error',
      error_type: 'tool_error',
      mcp_error_side: 'server',
      mcp_tool_error_reason: 'handler_threw',
    }),
  ).toBe(1);
  expect(
    call('add', {
      mcp_request_outcome: 'tool_error',
      mcp_error_side: 'client',
      mcp_tool_error_reason: 'invalid_arguments',
    }),
  ).toBe(2);
  // Unknown tools fold into one value; SDK 1.x answers them with isError, SDK 2.x with -32602.
  const unknownTool =
    sdk === 'v1'
      ? { mcp_request_outcome: 'tool_error', error_type: 'tool_error', rpc_response_status_code: '' }
      : { mcp_request_outcome: 'error', error_type: '-32602', rpc_response_status_code: '-32602' };
  expect(
    call('_OTHER', { ...unknownTool, mcp_error_side: 'client', mcp_tool_error_reason: 'unknown_tool' }),
  ).toBe(2);
  expect(call('ping_client', { mcp_request_outcome: 'ok' })).toBe(1);
  expect(call('slow', { mcp_request_outcome: 'cancelled', error_type: '' })).toBe(1);
  expect(count({ mcp_method_name: 'tools/call' })).toBe(13);

  const prompt = (name: string, labels: Record<string, string>) =>
    count({ mcp_method_name: 'prompts/get', gen_ai_prompt_name: name, gen_ai_tool_name: '', ...labels });
  expect(prompt('greet', { mcp_request_outcome: 'ok' })).toBe(1);
  expect(
    prompt('broken', {
      mcp_request_outcome: 'error',
      error_type: '-32603',
      rpc_response_status_code: '-32603',
      mcp_error_side: 'server',
      gen_ai_operation_name: '',
    }),
  ).toBe(1);
  expect(
    prompt('_OTHER', {
      mcp_request_outcome: 'error',
      error_type: '-32602',
      rpc_response_status_code: '-32602',
      mcp_error_side: 'client',
    }),
  ).toBe(1);
  expect(count({ mcp_method_name: 'resources/read', mcp_request_outcome: 'ok', gen_ai_tool_name: '' })).toBe(
    1,
  );
  expect(
    count({
      mcp_method_name: '_OTHER',
      mcp_request_outcome: 'error',
      error_type: '-32601',
      rpc_response_status_code: '-32601',
      mcp_error_side: 'client',
    }),
  ).toBe(1);
  // Nothing else was recorded, and every series carries the session's transport.
  expect(count({})).toBe(19);
  expect(count({ network_transport: networkTransport })).toBe(19);
  const versions = new Set(select(samples, DURATION).map((sample) => sample.labels.mcp_protocol_version));
  expect([...versions]).toHaveLength(1);
  expect([...versions][0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);

  // Nothing stays in flight: every method that was counted reads zero again.
  const inFlight = select(samples, ACTIVE_REQUESTS);
  expect(inFlight.map((sample) => sample.labels.mcp_method_name).sort()).toEqual(
    ['_OTHER', 'initialize', 'prompts/get', 'resources/read', 'tools/call'].sort(),
  );
  expect(inFlight.every((sample) => sample.value === 0)).toBe(true);

  const notifications = (method: string, direction: string) =>
    total(samples, 'mcp_server_notifications_total', {
      mcp_method_name: method,
      mcp_notification_direction: direction,
    });
  expect(notifications('notifications/initialized', 'inbound')).toBe(1);
  expect(notifications('notifications/cancelled', 'inbound')).toBe(1);
  expect(notifications('notifications/message', 'outbound')).toBe(1);

  expect(
    total(samples, 'mcp_client_operation_duration_seconds_count', {
      mcp_method_name: 'ping',
      mcp_request_outcome: 'ok',
      error_type: '',
      mcp_error_side: '',
      network_transport: networkTransport,
    }),
  ).toBe(1);
  expect(total(samples, 'mcp_client_operation_duration_seconds_count')).toBe(1);
  expect(total(samples, 'mcp_server_refused_requests_total')).toBe(0);
}

describe('SDK v2, 2026-07-28 protocol (createMcpHandler, no sessions)', () => {
  it('records operations with the protocol version of each request, and no session metrics', async () => {
    const plugin = metrics({ registry: new Registry() });
    const http = await startHttpServer({
      sdk: 'v2',
      mode: 'handler',
      createServer: () => observed('v2', plugin),
      routes: nodeHandler([plugin]),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp('v2', http.url, { modern: true });
    await client.callTool('echo', { text: 'modern' });
    await client.callTool('soft_fail');
    await client.close();

    await eventually(async () => {
      const { samples } = await scrapeUrl(`${http.baseUrl}/metrics`);
      const calls = select(samples, DURATION, { mcp_method_name: 'tools/call' });
      expect(
        calls.map((sample) => [
          sample.labels.gen_ai_tool_name,
          sample.labels.mcp_protocol_version,
          sample.value,
        ]),
      ).toEqual([
        ['echo', '2026-07-28', 1],
        ['soft_fail', '2026-07-28', 1],
      ]);
      expect(calls.every((sample) => sample.labels.network_transport === 'tcp')).toBe(true);
      expect(select(samples, 'mcp_server_active_sessions').map((sample) => sample.value)).toEqual([0]);
      expect(total(samples, 'mcp_server_session_duration_seconds_count')).toBe(0);
      expect(total(samples, ACTIVE_REQUESTS)).toBe(0);
    });
  });
});

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('in memory: exact counts per method, tool and outcome; sessions open and close', async () => {
    const registry = new Registry();
    const server = observed(sdk, metrics({ registry }));
    const client = await connectInMemory(server, sdk);
    const scrape = () => scrapeRegistry(registry);

    expect(total(await scrape(), 'mcp_server_active_sessions')).toBe(1);
    await runWorkload(client, scrape);
    await eventually(async () => expectWorkload(await scrape(), sdk, ''));

    await client.close();
    await eventually(async () => {
      const samples = await scrape();
      expect(total(samples, 'mcp_server_active_sessions')).toBe(0);
      expect(total(samples, 'mcp_server_session_duration_seconds_count')).toBe(1);
    });
    const [session] = select(await scrape(), 'mcp_server_session_duration_seconds_count');
    expect(Object.keys(session!.labels)).toEqual([
      'mcp_protocol_version',
      'network_transport',
      'network_protocol_name',
    ]);
    expect(session!.labels.mcp_protocol_version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('streamable HTTP (stateful): the same counts, scraped from /metrics through nodeHandler', async () => {
    const registry = new Registry();
    const plugin: MetricsPlugin = metrics({ registry });
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observed(sdk, plugin),
      routes: nodeHandler([plugin]),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    const scrape = async () => (await scrapeUrl(`${http.baseUrl}/metrics`)).samples;

    await runWorkload(client, scrape);
    await eventually(async () => expectWorkload(await scrape(), sdk, 'tcp'));
    // Closing an HTTP client leaves its session open on the server until it is terminated.
    expect(total(await scrape(), 'mcp_server_active_sessions')).toBe(1);
    const transport = client.raw.transport as unknown as { terminateSession(): Promise<void> };
    await transport.terminateSession();
    await client.close();
    await eventually(async () => expect(total(await scrape(), 'mcp_server_active_sessions')).toBe(0));
  });

  it('counts refusals by plugin, reason, scope, method and tool', async () => {
    const registry = new Registry();
    const server = observed(sdk, refusingPlugin('add'), metrics({ registry }));
    const client = await connectInMemory(server, sdk);
    for (let index = 0; index < 3; index++) {
      await expect(client.callTool('add', { a: 1, b: 2 })).rejects.toThrow(/Too many requests/);
    }
    await client.callTool('echo', { text: 'not refused' });
    await client.close();

    const samples = await scrapeRegistry(registry);
    expect(select(samples, 'mcp_server_refused_requests_total')).toEqual([
      {
        name: 'mcp_server_refused_requests_total',
        labels: {
          mcp_refusal_plugin: 'test-limiter',
          mcp_refusal_reason: 'rate_limited',
          mcp_refusal_scope: 'tool',
          mcp_method_name: 'tools/call',
          gen_ai_tool_name: 'add',
        },
        value: 3,
      },
    ]);
    expect(
      total(samples, DURATION, {
        gen_ai_tool_name: 'add',
        mcp_request_outcome: 'error',
        error_type: '-32000',
        mcp_error_side: 'server',
      }),
    ).toBe(3);
    expect(total(samples, DURATION, { gen_ai_tool_name: 'echo', mcp_request_outcome: 'ok' })).toBe(1);
  });

  it('attached while a call runs: records the call when it ends, with nothing in flight for it', async () => {
    const registry = new Registry();
    const diagnostics: Diagnostic[] = [];
    let slowStarted = false;
    const server = observe(createExampleServer({ sdk }), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    }).use({
      name: 'starts',
      onRequestStart: (request) => {
        if (request.target === 'slow') slowStarted = true;
      },
    });
    const client = await connectInMemory(server, sdk);
    const slow = client.callTool('slow', { ms: 250 });
    await waitFor(() => slowStarted, 'the slow call to start');
    server.use(metrics({ registry }));
    await slow;
    await client.close();

    const samples = await scrapeRegistry(registry);
    expect(
      select(samples, DURATION, { mcp_method_name: 'tools/call' }).map((sample) => [
        sample.labels.gen_ai_tool_name,
        sample.labels.mcp_request_outcome,
        sample.value,
      ]),
    ).toEqual([['slow', 'ok', 1]]);
    expect(select(samples, ACTIVE_REQUESTS)).toEqual([]);
    expect(diagnostics).toEqual([]);
  });

  it('a refusal without a scope, of a prompt, and with custom labels: one series per refusal', async () => {
    const registry = new Registry();
    const draining: McpscopePlugin = {
      name: 'test-drain',
      aroundRequest(request, dispatch) {
        if (request.method !== 'prompts/get') return dispatch();
        request.refuse({ code: -32000, message: 'Draining' }, { reason: 'draining' });
      },
    };
    const customLabels: CustomLabels = {
      tenant: { values: ['a'], value: (request) => (request.method === 'tools/call' ? 'a' : undefined) },
    };
    const server = observed(sdk, refusingPlugin('add'), draining, metrics({ registry, customLabels }));
    const client = await connectInMemory(server, sdk);
    await expect(client.callTool('add', { a: 1, b: 2 })).rejects.toThrow(/Too many requests/);
    await expect(client.getPrompt('greet', { name: 'Ada' })).rejects.toThrow(/Draining/);
    await expect(client.callTool('add', { a: 1, b: 2 })).rejects.toThrow(/Too many requests/);
    await client.close();

    const samples = await scrapeRegistry(registry);
    expect(
      select(samples, 'mcp_server_refused_requests_total').map((sample) => [sample.labels, sample.value]),
    ).toEqual([
      [
        {
          mcp_refusal_plugin: 'test-limiter',
          mcp_refusal_reason: 'rate_limited',
          mcp_refusal_scope: 'tool',
          mcp_method_name: 'tools/call',
          gen_ai_tool_name: 'add',
          tenant: 'a',
        },
        2,
      ],
      [
        {
          mcp_refusal_plugin: 'test-drain',
          mcp_refusal_reason: 'draining',
          mcp_refusal_scope: '',
          mcp_method_name: 'prompts/get',
          gen_ai_tool_name: '',
          tenant: '',
        },
        1,
      ],
    ]);
  });

  it('records payload sizes only when asked, as the JSON size of params and results', async () => {
    const registry = new Registry();
    const seen: { params: unknown; result: unknown }[] = [];
    const server = observed(sdk, metrics({ registry, payloadSizes: true }), {
      name: 'sizes',
      onRequestEnd: (request) => {
        if (request.method === 'tools/call') seen.push({ params: request.params, result: request.result });
      },
    });
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'x'.repeat(1000) });
    await client.close();

    const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
    const samples = await scrapeRegistry(registry);
    const echo = { mcp_method_name: 'tools/call', gen_ai_tool_name: 'echo' };
    expect(total(samples, 'mcp_server_request_size_bytes_count', echo)).toBe(1);
    expect(total(samples, 'mcp_server_request_size_bytes_sum', echo)).toBe(bytes(seen[0]!.params));
    expect(total(samples, 'mcp_server_response_size_bytes_sum', echo)).toBe(bytes(seen[0]!.result));
    expect(total(samples, 'mcp_server_request_size_bytes_sum', echo)).toBeGreaterThan(1000);

    const without = new Registry();
    const plain = observed(sdk, metrics({ registry: without }));
    const other = await connectInMemory(plain, sdk);
    await other.callTool('echo', { text: 'x' });
    await other.close();
    expect((await without.metrics()).includes('size_bytes')).toBe(false);
  });
});
