import { observe, type RequestFacts } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  HandlerCalls,
  SDK_VERSIONS,
  type SdkVersion,
  startHttpServer,
  waitFor,
} from '@mcpscope/test-kit';
import {
  context,
  DiagLogLevel,
  diag,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AnyClient,
  callTool,
  connectClient,
  connectPair,
  httpTransport,
  newClient,
  request,
} from '../test/clients.js';
import { eventNames, parentSpanIdOf, registerTestOtel } from '../test/otel.js';
import { addTracingTools, INNER_SPAN } from '../test/tools.js';
import { requestSpan, type TracingOptions, tracing } from './index.js';

const otel = registerTestOtel();
const tracer = trace.getTracer('test');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  otel.reset();
});

function idsOf(span: ReadableSpan) {
  return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}

async function inSpan<T>(name: string, work: () => Promise<T>): Promise<{ span: Span; result: T }> {
  const span = tracer.startSpan(name);
  try {
    const result = await context.with(trace.setSpan(ROOT_CONTEXT, span), work);
    return { span, result };
  } finally {
    span.end();
  }
}

describe.each(SDK_VERSIONS)('one trace across client and server over Streamable HTTP, SDK %s', (sdk) => {
  it('client span → server span (ambient HTTP span linked) → span inside the tool', async () => {
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(addTracingTools(createExampleServer({ sdk }), sdk)).use(tracing()),
      // Stands in for @opentelemetry/instrumentation-http: every HTTP request gets its own server span.
      routes: (incoming, response, next) => {
        const span = tracer.startSpan(`HTTP ${incoming.method}`, { kind: SpanKind.SERVER });
        response.on('close', () => span.end());
        context.with(trace.setSpan(ROOT_CONTEXT, span), next);
      },
    });
    cleanups.push(() => http.close());
    const url = new URL(`${http.baseUrl}/traced-mcp`);
    const client = observe(newClient(sdk)).use(tracing());
    const transport = httpTransport(sdk, url) as { sessionId?: string };
    await connectClient(client, transport);
    cleanups.push(() => client.close());

    const { span: agent } = await inSpan('agent step', () => callTool(client, 'traced'));
    await waitFor(() => otel.named('tools/call traced', SpanKind.SERVER).length === 1, 'the server span');
    await waitFor(() => otel.named('tools/call traced', SpanKind.CLIENT).length === 1, 'the client span');

    const clientSpan = otel.one('tools/call traced', SpanKind.CLIENT);
    const serverSpan = otel.one('tools/call traced', SpanKind.SERVER);
    const inner = otel.one(INNER_SPAN);
    const traceId = agent.spanContext().traceId;
    expect([clientSpan, serverSpan, inner].map((span) => idsOf(span).traceId)).toEqual([
      traceId,
      traceId,
      traceId,
    ]);
    expect(parentSpanIdOf(clientSpan)).toBe(agent.spanContext().spanId);
    expect(parentSpanIdOf(serverSpan)).toBe(idsOf(clientSpan).spanId);
    expect(parentSpanIdOf(inner)).toBe(idsOf(serverSpan).spanId);

    // The HTTP request that carried the call is linked, not the parent.
    const httpSpans = otel.named('HTTP POST', SpanKind.SERVER);
    expect(serverSpan.links).toHaveLength(1);
    expect(httpSpans.map((span) => idsOf(span).spanId)).toContain(serverSpan.links[0]?.context.spanId);
    expect(serverSpan.links[0]?.context.traceId).not.toBe(traceId);

    const protocolVersion = clientSpan.attributes['mcp.protocol.version'];
    expect(typeof protocolVersion).toBe('string');
    expect({ ...clientSpan.attributes }).toEqual({
      'mcp.method.name': 'tools/call',
      'jsonrpc.request.id': '1',
      'gen_ai.tool.name': 'traced',
      'gen_ai.operation.name': 'execute_tool',
      'server.address': '127.0.0.1',
      'server.port': Number(url.port),
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'mcp.session.id': transport.sessionId,
      'mcp.protocol.version': protocolVersion,
      'mcp.request.outcome': 'ok',
    });
    expect(serverSpan.attributes).toMatchObject({
      'mcp.session.id': transport.sessionId,
      'mcp.protocol.version': protocolVersion,
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
    });

    // The handshake is one trace too: the client's initialize span parents the server's.
    const initializeClient = otel.one('initialize', SpanKind.CLIENT);
    const initializeServer = otel.one('initialize', SpanKind.SERVER);
    expect(parentSpanIdOf(initializeServer)).toBe(idsOf(initializeClient).spanId);
    expect(initializeClient.attributes['mcp.protocol.version']).toBe(protocolVersion);
  });
});

describe.each(SDK_VERSIONS)('instrumented client, SDK %s', (sdk) => {
  async function setUp(options?: TracingOptions, onSample?: () => void) {
    const calls = new HandlerCalls();
    const server = observe(addTracingTools(createExampleServer({ sdk, calls }), sdk)).use(tracing());
    const client = observe(newClient(sdk, onSample === undefined ? {} : { onSample })).use(tracing(options));
    await connectPair(server, client, sdk);
    cleanups.push(() => client.close());
    return { client, calls };
  }

  it('sampling: client → server → client → model, one trace', async () => {
    const { client } = await setUp(undefined, () => {
      tracer.startActiveSpan('model call', (span) => span.end());
    });
    const result = await callTool(client, 'ask');
    expect((result.content as { text: string }[])[0]?.text).toBe('hi from the model');
    await waitFor(() => otel.named('tools/call ask', SpanKind.CLIENT).length === 1, 'the client span');
    const chain = [
      otel.one('tools/call ask', SpanKind.CLIENT),
      otel.one('tools/call ask', SpanKind.SERVER),
      otel.one('sampling/createMessage', SpanKind.CLIENT),
      otel.one('sampling/createMessage', SpanKind.SERVER),
      otel.one('model call'),
    ];
    for (let index = 1; index < chain.length; index++) {
      expect(parentSpanIdOf(chain[index]!)).toBe(idsOf(chain[index - 1]!).spanId);
      expect(idsOf(chain[index]!).traceId).toBe(idsOf(chain[0]!).traceId);
    }
    const answered = otel.one('sampling/createMessage', SpanKind.SERVER);
    expect(answered.attributes).toMatchObject({
      'mcp.method.name': 'sampling/createMessage',
      'mcp.request.outcome': 'ok',
    });
    expect(answered.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('progress notifications become events on the client span', async () => {
    const { client } = await setUp();
    const seen: number[] = [];
    await callTool(client, 'progress', {}, { onprogress: (update) => void seen.push(update.progress) });
    expect(seen).toEqual([1, 2]);
    const span = otel.one('tools/call progress', SpanKind.CLIENT);
    expect(eventNames(span)).toEqual(['notifications/progress', 'notifications/progress']);
    expect(span.events[1]?.attributes).toEqual({ 'mcp.progress.current': 2, 'mcp.progress.total': 2 });
  });

  it('errors: tool_error, -32602 and -32601 are errors on client spans', async () => {
    const { client } = await setUp();
    await callTool(client, 'soft_fail');
    await expect(request(client, 'prompts/get', { name: 'nope' })).rejects.toThrow();
    await expect(request(client, 'foo/bar', {})).rejects.toThrow();
    const toolError = otel.one('tools/call soft_fail', SpanKind.CLIENT);
    expect(toolError.attributes['error.type']).toBe('tool_error');
    expect(toolError.status.code).toBe(SpanStatusCode.ERROR);
    const invalid = otel.one('prompts/get nope', SpanKind.CLIENT);
    expect(invalid.attributes).toMatchObject({
      'error.type': '-32602',
      'rpc.response.status_code': '-32602',
    });
    expect(invalid.status.code).toBe(SpanStatusCode.ERROR);
    const unknown = otel.one('foo/bar', SpanKind.CLIENT);
    expect(unknown.attributes).toMatchObject({
      'error.type': '-32601',
      'rpc.response.status_code': '-32601',
    });
    expect(unknown.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('cancellation: the client span ends cancelled, with the reason as an event', async () => {
    const { client, calls } = await setUp();
    const controller = new AbortController();
    const call = callTool(client, 'slow', { ms: 30_000 }, { signal: controller.signal });
    await waitFor(() => calls.count('tool:slow') === 1, 'the slow tool to run');
    controller.abort('user gave up');
    await expect(call).rejects.toThrow();
    await waitFor(() => otel.named('tools/call slow', SpanKind.SERVER).length === 1, 'the server span');
    const span = otel.one('tools/call slow', SpanKind.CLIENT);
    expect(span.attributes['mcp.request.outcome']).toBe('cancelled');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events.map((event) => [event.name, event.attributes])).toEqual([
      ['notifications/cancelled', { 'mcp.cancelled.reason': 'user gave up' }],
    ]);
    expect(otel.one('tools/call slow', SpanKind.SERVER).attributes['mcp.request.outcome']).toBe('cancelled');
  });

  it('a client span ends as core ends its request; a cancelled one as the cancellation goes out, once', async () => {
    // What a plugin after tracing sees, synchronously, in the same hooks.
    const seen: string[] = [];
    const recording = (request: RequestFacts | undefined) =>
      request === undefined ? 'no request' : requestSpan(request)?.isRecording() ? 'recording' : 'ended';
    const sdkErrors: string[] = [];
    const record = (message: string) => void sdkErrors.push(message);
    diag.setLogger(
      { error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    );
    cleanups.push(async () => void diag.disable());
    const calls = new HandlerCalls();
    const server = observe(createExampleServer({ sdk, calls })).use(tracing());
    const client = observe(newClient(sdk)).use(tracing(), {
      name: 'after',
      onOutboundRequestEnd: (request) =>
        void seen.push(`end ${request.method} ${request.outcome}: ${recording(request)}`),
      onNotification: (notification) => {
        if (notification.direction === 'outbound' && notification.method === 'notifications/cancelled') {
          seen.push(`cancellation sent: ${recording(notification.request)}`);
        }
      },
    });
    await connectPair(server, client, sdk);
    cleanups.push(() => client.close());
    await callTool(client, 'echo', { text: 'hi' });
    const controller = new AbortController();
    const call = callTool(client, 'slow', { ms: 30_000 }, { signal: controller.signal });
    await waitFor(() => calls.count('tool:slow') === 1, 'the slow tool to run');
    controller.abort('user gave up');
    await expect(call).rejects.toThrow();
    await waitFor(() => otel.named('tools/call slow', SpanKind.SERVER).length === 1, 'the server span');
    expect(seen).toEqual([
      'end initialize ok: ended',
      'end tools/call ok: ended',
      // Still open at its end: the reason the cancellation carries becomes an event first.
      'end tools/call cancelled: recording',
      'cancellation sent: ended',
    ]);
    const span = otel.one('tools/call slow', SpanKind.CLIENT);
    expect(eventNames(span)).toEqual(['notifications/cancelled']);
    expect(sdkErrors).toEqual([]);
  });

  it('closed transport: pending client spans end as closed', async () => {
    const { client, calls } = await setUp();
    const call = callTool(client, 'slow', { ms: 30_000 }).catch((error: unknown) => error);
    await waitFor(() => calls.count('tool:slow') === 1, 'the slow tool to run');
    await client.close();
    await call;
    const span = otel.one('tools/call slow', SpanKind.CLIENT);
    expect(span.attributes['mcp.request.outcome']).toBe('closed');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('tool arguments and results only when asked; the caller’s params are not changed', async () => {
    const { client } = await setUp({ recordArguments: true, recordResults: true });
    const args = { text: 'hello', api_key: 'sk-123' };
    await callTool(client, 'echo', args);
    expect(args).toEqual({ text: 'hello', api_key: 'sk-123' });
    const span = otel.one('tools/call echo', SpanKind.CLIENT);
    expect(span.attributes['gen_ai.tool.call.arguments']).toBe('{"text":"hello","api_key":"[REDACTED]"}');
    expect(span.attributes['gen_ai.tool.call.result']).toBe('{"content":[{"type":"text","text":"hello"}]}');
    const server = otel.one('tools/call echo', SpanKind.SERVER);
    expect(server.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
  });

  it('observing a connected client works, in place; attaching tracing twice records once', async () => {
    const server = observe(createExampleServer({ sdk })).use(tracing());
    const connected = await connectInMemory(server, sdk);
    cleanups.push(() => connected.close());
    const raw = connected.raw as AnyClient;
    const transport = raw.transport;
    const plugin = tracing();
    expect(observe(raw).use(plugin)).toBe(raw);
    observe(raw).use(plugin);
    expect(raw.transport).toBe(transport);
    await connected.callTool('echo', { text: 'hi' });
    const span = otel.one('tools/call echo', SpanKind.CLIENT);
    const serverSpan = otel.one('tools/call echo', SpanKind.SERVER);
    expect(parentSpanIdOf(serverSpan)).toBe(idsOf(span).spanId);
    // In memory the client span is also the ambient span on the server: it is not linked a second time.
    expect(serverSpan.links).toEqual([]);
  });

  it('a failed send ends the span with the error', async () => {
    const http = await startHttpServer({
      sdk,
      mode: 'stateless',
      createServer: () => observe(createExampleServer({ sdk })).use(tracing()),
    });
    const failed: RequestFacts[] = [];
    const client = observe(newClient(sdk)).use(tracing(), {
      name: 'failed',
      onOutboundRequestEnd: (request) => void (request.outcome === 'error' && failed.push(request)),
    });
    await connectClient(client, httpTransport(sdk, http.url));
    cleanups.push(() => client.close());
    await http.close();
    otel.reset();
    await expect(callTool(client, 'echo', { text: 'hi' })).rejects.toThrow();
    const span = otel.one('tools/call echo', SpanKind.CLIENT);
    // Core names a send failure after the error's class; the span says the same.
    const [request] = failed;
    const error = request?.error as Error;
    expect(failed).toHaveLength(1);
    expect(request?.errorType).toBe(error.constructor.name);
    expect(span.attributes).toMatchObject({
      'mcp.request.outcome': 'error',
      'error.type': error.constructor.name,
      'mcp.error.side': 'server',
    });
    expect(span.attributes['rpc.response.status_code']).toBeUndefined();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(eventNames(span)).toEqual(['exception']);
    expect(span.events[0]?.attributes?.['exception.message']).toBe(error.message);
  });
});

describe('SDK v2 in the 2026-07-28 era', () => {
  it('createMcpHandler: traces the version probe and requests; the server span joins the trace', async () => {
    const sdk: SdkVersion = 'v2';
    const http = await startHttpServer({
      sdk,
      mode: 'handler',
      createServer: () => observe(createExampleServer({ sdk })).use(tracing()),
    });
    cleanups.push(() => http.close());
    const sent: RequestFacts[] = [];
    const client = observe(newClient(sdk, { modern: true })).use(tracing(), {
      name: 'sent',
      onOutboundRequestStart: (request) => void sent.push(request),
    });
    await connectClient(client, httpTransport(sdk, http.url));
    cleanups.push(() => client.close());
    await callTool(client, 'echo', { text: 'hi' });
    await waitFor(() => otel.named('tools/call echo', SpanKind.SERVER).length === 1, 'the server span');
    const discover = otel.one('server/discover', SpanKind.CLIENT);
    expect(discover.attributes['mcp.request.outcome']).toBe('ok');
    // The client span's ids, as the plugin gave them to core (the span itself ends when core sees the
    // answer: after the version probe, core does not see this client's answers yet, see the report).
    const call = sent.find((request) => request.method === 'tools/call')!;
    const serverSpan = otel.one('tools/call echo', SpanKind.SERVER);
    expect(serverSpan.spanContext().traceId).toBe(call.trace?.traceId);
    expect(parentSpanIdOf(serverSpan)).toBe(call.trace?.spanId);
    expect(serverSpan.attributes['mcp.protocol.version']).toBe('2026-07-28');
    expect(serverSpan.attributes['mcp.session.id']).toBeUndefined();
  });
});
