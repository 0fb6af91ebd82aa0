/**
 * A failure with a JSON-RPC code of the client's side is the client's business, in every signal at once
 * (metrics, tracing, logging and Sentry on one server): a tool throwing the SDK's
 * `UrlElicitationRequiredError` (-32042), and prompts throwing the SDK's error class with -32020, -32021
 * or -32022 (tools cannot: both SDKs turn any other error a tool throws into an `isError` result).
 * Asserted exactly: the answer equals the bare server's; no Sentry event; one log line at `warn` (the
 * level logging gives the client's mistakes) without the error's stack; the span with `error.type`
 * set to the code and status ERROR (tracing's default `callerErrors: 'error'`), or neither with
 * `callerErrors: 'unset'`; one operation counted with `mcp_error_side="client"` and the code. With
 * Sentry's own MCP instrumentation wrapping the server as well (it reports these as errors itself),
 * still no event.
 */
import {
  connectRaw,
  createExampleServer,
  type ExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
} from '@mcpscope/test-kit';
import { type Attributes, SpanStatusCode } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { addClientSideErrors, CODED_PROMPTS, ELICITATION } from '../test/client-side-errors.js';
import { inMemoryTracing } from '../test/otel.js';
import { sentryForSuite } from '../test/sentry-endpoint.js';
import { createStack, type StackOptions } from '../test/stack.js';
import { until } from '../test/until.js';

const otel = inMemoryTracing();
// Without Dedupe, so a second report of the same error cannot hide either.
const sentrySuite = sentryForSuite(2_000, { dedupe: false });

const PROTOCOL_VERSION = '2025-11-25';
const CLIENT = { name: 'raw-client', version: '4.5.6' };

interface Call {
  readonly method: 'tools/call' | 'prompts/get';
  readonly name: string;
}

/** Initializes a raw in-memory peer, sends one request (id 2) and returns the server's answer to it. */
async function answerOf(server: ExampleServer, sdk: SdkVersion, call: Call): Promise<unknown> {
  const raw = await connectRaw(server, sdk);
  await raw.send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT },
  });
  await until(() => raw.received.length === 1, 'the initialize answer');
  await raw.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  await raw.send({
    jsonrpc: '2.0',
    id: 2,
    method: call.method,
    params: { name: call.name, arguments: {} },
  });
  await until(() => raw.received.length === 2, 'the answer');
  await raw.close();
  return raw.received[1];
}

/** The same call to a bare server and to one observed by every plugin; the observed side's signals. */
async function callBoth(sdk: SdkVersion, call: Call, options: StackOptions = {}, wrapped = false) {
  otel.exporter.reset();
  sentrySuite.endpoint().clear();
  const bare = addClientSideErrors(createExampleServer({ sdk }), sdk);
  const bareAnswer = await answerOf(bare, sdk, call);
  await bare.close();

  const stack = createStack({ tracerProvider: otel.provider, ...options });
  const unobserved = addClientSideErrors(createExampleServer({ sdk }), sdk);
  if (wrapped) Sentry.wrapMcpServerWithSentry(unobserved);
  const server = stack.observe(unobserved);
  const answer = await answerOf(server, sdk, call);
  await server.close();
  expect(await Sentry.flush(5_000)).toBe(true);
  expect(stack.failures).toEqual([]);
  expect(stack.recorder.inFlight).toBe(0);
  stack.dispose();

  const target = `${call.method} ${call.name}`;
  const lines = stack.log.lines().filter((line) => String(line.msg).startsWith(target));
  const spans = otel.spans().filter((span) => span.name === target);
  const metric = stack.registry.getSingleMetric('mcp_server_operation_duration_seconds');
  const samples = ((await metric?.get())?.values ?? []) as {
    value: number;
    labels: Record<string, string | number>;
    metricName?: string;
  }[];
  const counts = samples.filter(
    (sample) =>
      sample.metricName === 'mcp_server_operation_duration_seconds_count' &&
      sample.labels.mcp_method_name === call.method,
  );
  return {
    bareAnswer,
    answer,
    lines,
    spans,
    counts,
    events: sentrySuite.endpoint().events(),
    bodies: [...sentrySuite.endpoint().bodies],
  };
}

/** A log line without what changes from run to run (time, pid, host, duration, trace ids). */
function stable(line: Record<string, unknown>): Record<string, unknown> {
  const { time, pid, hostname, duration_ms, trace_id, span_id, ...rest } = line;
  for (const [key, value] of Object.entries({ time, pid, hostname, duration_ms, trace_id, span_id })) {
    expect(value, key).toBeDefined();
  }
  return rest;
}

/** What the wire answer's message is: SDK 1.x's McpError prefixes the code. */
const wireMessage = (sdk: SdkVersion, code: number, message: string) =>
  sdk === 'v1' ? `MCP error ${code}: ${message}` : message;

const CASES = [
  {
    call: { method: 'tools/call', name: 'connect_github' } as Call,
    code: -32042,
    message: 'URL elicitation required',
    data: { elicitations: [ELICITATION] },
    targetKey: 'gen_ai.tool.name',
  },
  ...CODED_PROMPTS.map(({ name, code }) => ({
    call: { method: 'prompts/get', name } as Call,
    code,
    message: `${name} refused`,
    data: undefined,
    targetKey: 'gen_ai.prompt.name',
  })),
];

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  describe.each(CASES)('$call.method $call.name ($code)', ({ call, code, message, data, targetKey }) => {
    const isTool = call.method === 'tools/call';

    it('is answered as by the bare server and recorded as the client’s business in every signal', async () => {
      const observed = await callBoth(sdk, call);
      const error = wireMessage(sdk, code, message);
      expect(observed.bareAnswer).toEqual({
        jsonrpc: '2.0',
        id: 2,
        error: { code, message: error, ...(data === undefined ? {} : { data }) },
      });
      expect(observed.answer).toEqual(observed.bareAnswer);

      // Sentry: nothing sent at all.
      expect(observed.events).toEqual([]);
      expect(observed.bodies).toEqual([]);

      // Logging: one line at warn (40), the JSON-RPC message, no stack.
      expect(observed.lines.map(stable)).toEqual([
        {
          level: 40,
          msg: `${call.method} ${call.name} error ${code}`,
          'mcp.protocol.version': PROTOCOL_VERSION,
          'mcp.client.name': CLIENT.name,
          'mcp.client.version': CLIENT.version,
          'mcp.transport': 'in-memory',
          'mcp.method.name': call.method,
          [targetKey]: call.name,
          'jsonrpc.request.id': '2',
          trace_flags: '01',
          'mcp.request.outcome': 'error',
          'error.type': String(code),
          'mcp.error.side': 'client',
          'rpc.response.status_code': String(code),
          'error.message': error,
        },
      ]);

      // Tracing (callerErrors: 'error', the default): error.type is the code, status ERROR.
      expect(observed.spans).toHaveLength(1);
      const [span] = observed.spans;
      expect(span?.attributes).toEqual({
        'mcp.method.name': call.method,
        'jsonrpc.request.id': '2',
        ...(isTool ? { 'gen_ai.operation.name': 'execute_tool' } : {}),
        [targetKey]: call.name,
        'mcp.protocol.version': PROTOCOL_VERSION,
        'mcp.request.outcome': 'error',
        'mcp.error.side': 'client',
        'rpc.response.status_code': String(code),
        'error.type': String(code),
      } satisfies Attributes);
      expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: error });
      expect(span?.events.map((event) => event.name)).toEqual(['exception']);

      // Metrics: one operation on the client's side, with the code.
      expect(observed.counts.map(({ value, labels }) => ({ value, labels }))).toEqual([
        {
          value: 1,
          labels: {
            mcp_method_name: call.method,
            gen_ai_tool_name: isTool ? call.name : '',
            gen_ai_prompt_name: isTool ? '' : call.name,
            gen_ai_operation_name: isTool ? 'execute_tool' : '',
            error_type: String(code),
            rpc_response_status_code: String(code),
            mcp_error_side: 'client',
            mcp_request_outcome: 'error',
            mcp_tool_error_reason: '',
            mcp_protocol_version: PROTOCOL_VERSION,
            network_transport: '',
            network_protocol_name: '',
          },
        },
      ]);
    });

    it("with Sentry's own MCP instrumentation too: still no event, the same answer", async () => {
      const observed = await callBoth(sdk, call, {}, true);
      expect(observed.answer).toEqual(observed.bareAnswer);
      expect(observed.events).toEqual([]);
      expect(observed.bodies).toEqual([]);
      expect(observed.lines.map((line) => [line.level, line['mcp.error.side']])).toEqual([[40, 'client']]);
      expect(observed.spans.map((span) => span.attributes['mcp.error.side'])).toEqual(['client']);
    });

    it("with tracing's callerErrors: 'unset' the span has no error.type and an UNSET status", async () => {
      const observed = await callBoth(sdk, call, { tracing: { callerErrors: 'unset' } });
      expect(observed.answer).toEqual(observed.bareAnswer);
      expect(observed.events).toEqual([]);
      expect(observed.spans).toHaveLength(1);
      const [span] = observed.spans;
      expect(span?.attributes).toEqual({
        'mcp.method.name': call.method,
        'jsonrpc.request.id': '2',
        ...(isTool ? { 'gen_ai.operation.name': 'execute_tool' } : {}),
        [targetKey]: call.name,
        'mcp.protocol.version': PROTOCOL_VERSION,
        'mcp.request.outcome': 'error',
        'mcp.error.side': 'client',
        'rpc.response.status_code': String(code),
      } satisfies Attributes);
      expect(span?.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span?.events).toEqual([]);
    });
  });
});
