import { type McpscopePlugin, observe, type RequestFacts } from '@mcpscope/core';
import {
  connectInMemory,
  connectRaw,
  createExampleServer,
  HandlerCalls,
  PROMPT_FAILURE_MESSAGE,
  SDK_VERSIONS,
  TOOL_FAILURE_MESSAGE,
  waitFor,
} from '@mcpscope/test-kit';
import type { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CreateMessageResultSchema,
  UrlElicitationRequiredError as V1UrlElicitationRequired,
} from '@modelcontextprotocol/sdk/types.js';
import {
  type McpServer as V2McpServer,
  UrlElicitationRequiredError as V2UrlElicitationRequired,
} from '@modelcontextprotocol/server';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPair, newClient } from '../test/clients.js';
import { eventNames, parentSpanIdOf, registerTestOtel } from '../test/otel.js';
import { addTracingTools, INNER_SPAN } from '../test/tools.js';
import { requestSpan, type TracingOptions, tracing } from './index.js';

const otel = registerTestOtel();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  otel.reset();
});

/** Facts seen by a second plugin, to compare spans with what core measured. */
function factsRecorder() {
  const ended: RequestFacts[] = [];
  return {
    ended,
    plugin: { name: 'facts', onRequestEnd: (request: RequestFacts) => void ended.push(request) },
  };
}

const REMOTE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const REMOTE_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${REMOTE_TRACE_ID}-${REMOTE_SPAN_ID}-01`;

function attributesOf(span: ReadableSpan): Record<string, unknown> {
  return { ...span.attributes };
}

describe.each(SDK_VERSIONS)('server spans, SDK %s', (sdk) => {
  async function connect(options?: TracingOptions) {
    const facts = factsRecorder();
    const calls = new HandlerCalls();
    const server = observe(addTracingTools(createExampleServer({ sdk, calls }), sdk)).use(
      tracing(options),
      facts.plugin,
    );
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    return { server, client, facts, calls };
  }

  it('success: name, kind, attributes, unset status, times from core', async () => {
    const { client, facts } = await connect();
    await client.callTool('echo', { text: 'secret words' });
    await waitFor(() => otel.named('tools/call echo').length === 1, 'the tools/call span');

    const initialize = otel.one('initialize', SpanKind.SERVER);
    const protocolVersion = initialize.attributes['mcp.protocol.version'];
    expect(typeof protocolVersion).toBe('string');
    expect(attributesOf(initialize)).toEqual({
      'mcp.method.name': 'initialize',
      'jsonrpc.request.id': '0',
      'mcp.protocol.version': protocolVersion,
      'mcp.request.outcome': 'ok',
    });

    const span = otel.one('tools/call echo', SpanKind.SERVER);
    expect(span.instrumentationScope.name).toBe('@mcpscope/tracing');
    expect(attributesOf(span)).toEqual({
      'mcp.method.name': 'tools/call',
      'jsonrpc.request.id': '1',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': protocolVersion,
      'mcp.request.outcome': 'ok',
    });
    expect(JSON.stringify(span.attributes)).not.toContain('secret words');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events).toEqual([]);
    expect(span.links).toEqual([]);
    expect(span.parentSpanContext).toBeUndefined();
    const call = facts.ended.find((request) => request.method === 'tools/call')!;
    const startMs = span.startTime[0] * 1000 + span.startTime[1] / 1e6;
    expect(Math.abs(startMs - call.startTime)).toBeLessThan(0.01);
    expect(requestSpan(call)?.spanContext().spanId).toBe(span.spanContext().spanId);
    // Every other plugin joins the span through the ids the plugin set on the facts.
    expect(call.trace).toMatchObject({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      traceFlags: 1,
    });
  });

  it('tool_error: a thrown error is recorded as the exception, with the reason', async () => {
    const { client } = await connect();
    const result = await client.callTool('fail');
    expect(result.isError).toBe(true);
    await waitFor(() => otel.named('tools/call fail').length === 1, 'the tools/call span');
    const span = otel.one('tools/call fail');
    expect(span.attributes['error.type']).toBe('tool_error');
    expect(span.attributes['mcp.tool.error_reason']).toBe('handler_threw');
    expect(span.attributes['mcp.error.side']).toBe('server');
    expect(span.attributes['mcp.request.outcome']).toBe('tool_error');
    expect(span.attributes['rpc.response.status_code']).toBeUndefined();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: TOOL_FAILURE_MESSAGE });
    expect(eventNames(span)).toEqual(['exception']);
    expect(span.events[0]?.attributes?.['exception.message']).toBe(TOOL_FAILURE_MESSAGE);
    expect(span.events[0]?.attributes?.['exception.type']).toBe('Error');
  });

  it('tool_error: an isError result has no exception', async () => {
    const { client } = await connect();
    await client.callTool('soft_fail');
    await waitFor(() => otel.named('tools/call soft_fail').length === 1, 'the tools/call span');
    const span = otel.one('tools/call soft_fail');
    expect(span.attributes['error.type']).toBe('tool_error');
    expect(span.attributes['mcp.tool.error_reason']).toBe('handler_returned_error');
    expect(span.attributes['mcp.error.side']).toBe('tool');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span.events).toEqual([]);
  });

  it('unknown tool: the reason says so, whichever way the SDK answers', async () => {
    const { client } = await connect();
    await client.callTool('nope').catch(() => undefined);
    await waitFor(() => otel.named('tools/call nope').length === 1, 'the tools/call span');
    const span = otel.one('tools/call nope');
    expect(span.attributes['gen_ai.tool.name']).toBe('nope');
    expect(span.attributes['mcp.tool.error_reason']).toBe('unknown_tool');
    expect(span.attributes['mcp.error.side']).toBe('client');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    if (sdk === 'v1') {
      expect(span.attributes['error.type']).toBe('tool_error');
    } else {
      expect(span.attributes['error.type']).toBe('-32602');
      expect(span.attributes['rpc.response.status_code']).toBe('-32602');
    }
  });

  it('-32602: error.type and ERROR by default (semconv v1.41.0)', async () => {
    const { client } = await connect();
    await expect(client.getPrompt('nope')).rejects.toThrow();
    await waitFor(() => otel.named('prompts/get nope').length === 1, 'the prompts/get span');
    const span = otel.one('prompts/get nope');
    expect(span.attributes['gen_ai.prompt.name']).toBe('nope');
    expect(span.attributes['rpc.response.status_code']).toBe('-32602');
    expect(span.attributes['error.type']).toBe('-32602');
    expect(span.attributes['mcp.error.side']).toBe('client');
    expect(span.attributes['mcp.request.outcome']).toBe('error');
    // The SDK's prompts/get handler threw an McpError: core kept it, and it is the recorded exception.
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toMatch(/Prompt nope not found/);
    expect(eventNames(span)).toEqual(['exception']);
  });

  it("-32602 with callerErrors 'unset': status code only, status UNSET", async () => {
    const { client } = await connect({ callerErrors: 'unset' });
    await expect(client.getPrompt('nope')).rejects.toThrow();
    await waitFor(() => otel.named('prompts/get nope').length === 1, 'the prompts/get span');
    const span = otel.one('prompts/get nope');
    expect(span.attributes['rpc.response.status_code']).toBe('-32602');
    expect(span.attributes['mcp.error.side']).toBe('client');
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events).toEqual([]);
  });

  it('-32601: an unknown method is named by itself', async () => {
    const { client } = await connect();
    await expect(client.request('foo/bar', {})).rejects.toThrow();
    await waitFor(() => otel.named('foo/bar').length === 1, 'the foo/bar span');
    const span = otel.one('foo/bar', SpanKind.SERVER);
    expect(span.attributes['mcp.method.name']).toBe('foo/bar');
    expect(span.attributes['rpc.response.status_code']).toBe('-32601');
    expect(span.attributes['error.type']).toBe('-32601');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('-32603: a throwing prompt records the original exception', async () => {
    const { client } = await connect();
    await expect(client.getPrompt('broken')).rejects.toThrow();
    await waitFor(() => otel.named('prompts/get broken').length === 1, 'the prompts/get span');
    const span = otel.one('prompts/get broken');
    expect(span.attributes['error.type']).toBe('-32603');
    expect(span.attributes['rpc.response.status_code']).toBe('-32603');
    expect(span.attributes['mcp.error.side']).toBe('server');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: PROMPT_FAILURE_MESSAGE });
    expect(span.events[0]?.attributes?.['exception.message']).toBe(PROMPT_FAILURE_MESSAGE);
  });

  it('resources: the URI is an attribute, not part of the name unless asked', async () => {
    const first = await connect();
    await first.client.readResource('config://app');
    await waitFor(() => otel.named('resources/read').length === 1, 'the resources/read span');
    expect(otel.one('resources/read').attributes['mcp.resource.uri']).toBe('config://app');
    const second = await connect({ resourceUriInSpanName: true });
    await second.client.readResource('config://app');
    await waitFor(() => otel.named('resources/read config://app').length === 1, 'the named span');
  });

  it('cancellation: an event on the span, outcome cancelled, no error', async () => {
    const { client, calls } = await connect();
    const controller = new AbortController();
    const call = client.callTool('slow', { ms: 30_000 }, { signal: controller.signal });
    await waitFor(() => calls.count('tool:slow') === 1, 'the slow tool to run');
    controller.abort('user gave up');
    await expect(call).rejects.toThrow();
    await waitFor(() => otel.named('tools/call slow').length === 1, 'the cancelled span');
    const span = otel.one('tools/call slow');
    expect(span.attributes['mcp.request.outcome']).toBe('cancelled');
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(eventNames(span)).toEqual(['notifications/cancelled']);
    expect(span.events[0]?.attributes).toEqual({ 'mcp.cancelled.reason': 'user gave up' });
  });

  it('closed transport: the span ends with outcome closed', async () => {
    const { client, calls } = await connect();
    const call = client.callTool('slow', { ms: 30_000 }).catch((error: unknown) => error);
    await waitFor(() => calls.count('tool:slow') === 1, 'the slow tool to run');
    await client.close();
    await call;
    await waitFor(() => otel.named('tools/call slow').length === 1, 'the closed span');
    const span = otel.one('tools/call slow');
    expect(span.attributes['mcp.request.outcome']).toBe('closed');
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.ended).toBe(true);
  });

  it('progress notifications become events on the request span', async () => {
    const { client } = await connect();
    const progress: number[] = [];
    const raw = client.raw as unknown as {
      callTool(params: object, schema: unknown, options: object): Promise<unknown>;
    };
    const onprogress = (update: { progress: number }) => void progress.push(update.progress);
    if (sdk === 'v1') await raw.callTool({ name: 'progress', arguments: {} }, undefined, { onprogress });
    else
      await (client.raw.callTool as (p: object, o: object) => Promise<unknown>)(
        { name: 'progress', arguments: {} },
        { onprogress },
      );
    expect(progress).toEqual([1, 2]);
    await waitFor(() => otel.named('tools/call progress').length === 1, 'the span');
    const span = otel.one('tools/call progress');
    expect(eventNames(span)).toEqual(['notifications/progress', 'notifications/progress']);
    expect(span.events.map((event) => event.attributes)).toEqual([
      { 'mcp.progress.current': 1, 'mcp.progress.total': 2 },
      { 'mcp.progress.current': 2, 'mcp.progress.total': 2 },
    ]);
  });

  it('a span started inside a tool is a child of the server span', async () => {
    const { client } = await connect();
    const result = await client.callTool('traced');
    await waitFor(() => otel.named('tools/call traced').length === 1, 'the span');
    const server = otel.one('tools/call traced');
    const inner = otel.one(INNER_SPAN);
    expect(parentSpanIdOf(inner)).toBe(server.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(server.spanContext().traceId);
    expect((result.content as { text: string }[])[0]?.text).toBe(server.spanContext().traceId);
  });

  it('inbound notifications are spans only when enabled', async () => {
    await connect();
    await connect({ notificationSpans: true });
    await waitFor(() => otel.named('notifications/initialized').length === 1, 'one notification span');
    const span = otel.one('notifications/initialized', SpanKind.SERVER);
    expect(span.attributes['mcp.method.name']).toBe('notifications/initialized');
    expect(span.attributes['jsonrpc.request.id']).toBeUndefined();
  });

  it('server-to-client ping: a CLIENT span, child of the tool span, context in _meta', async () => {
    const { client } = await connect();
    observe(client.raw).use(tracing());
    await client.callTool('ping_client');
    await waitFor(() => otel.named('tools/call ping_client', SpanKind.SERVER).length === 1, 'the span');
    const tool = otel.one('tools/call ping_client', SpanKind.SERVER);
    const ping = otel.one('ping', SpanKind.CLIENT);
    expect(parentSpanIdOf(ping)).toBe(tool.spanContext().spanId);
    expect(attributesOf(ping)).toMatchObject({
      'mcp.method.name': 'ping',
      'mcp.request.outcome': 'ok',
    });
    expect(typeof ping.attributes['jsonrpc.request.id']).toBe('string');
    // The client's own span for the ping continues the trace from _meta.
    const answered = otel.one('ping', SpanKind.SERVER);
    expect(parentSpanIdOf(answered)).toBe(ping.spanContext().spanId);
    expect(answered.spanContext().traceId).toBe(tool.spanContext().traceId);
  });

  it('a request a tool sends from outside its context is still a child of the tool span', async () => {
    const server = observe(createExampleServer({ sdk })).use(tracing());
    const messages = [{ role: 'user' as const, content: { type: 'text' as const, text: 'say hi' } }];
    const sampleParams = { messages, maxTokens: 10 };
    const done = { content: [{ type: 'text' as const, text: 'asked' }] };
    // The sampling request leaves from the root context (as from a callback that lost it); the SDK's
    // request-scoped sender still relates it to the tool's request, and so does the span.
    if (sdk === 'v1') {
      (server as V1McpServer).registerTool('ask_elsewhere', { description: 'Samples' }, async (extra) => {
        await context.with(ROOT_CONTEXT, () =>
          extra.sendRequest(
            { method: 'sampling/createMessage', params: sampleParams },
            CreateMessageResultSchema,
          ),
        );
        return done;
      });
    } else {
      (server as V2McpServer).registerTool('ask_elsewhere', { description: 'Samples' }, async (ctx) => {
        await context.with(ROOT_CONTEXT, () =>
          ctx.mcpReq.send({ method: 'sampling/createMessage', params: sampleParams }),
        );
        return done;
      });
    }
    let sampled = 0;
    const client = newClient(sdk, { onSample: () => void sampled++ });
    await connectPair(server, client, sdk);
    cleanups.push(() => client.close());
    await (client as { callTool(params: object): Promise<unknown> }).callTool({
      name: 'ask_elsewhere',
      arguments: {},
    });
    await waitFor(() => otel.named('tools/call ask_elsewhere').length === 1, 'the tool span');
    const tool = otel.one('tools/call ask_elsewhere', SpanKind.SERVER);
    const sampling = otel.one('sampling/createMessage', SpanKind.CLIENT);
    expect(parentSpanIdOf(sampling)).toBe(tool.spanContext().spanId);
    expect(sampling.spanContext().traceId).toBe(tool.spanContext().traceId);
    expect(sampled).toBe(1);
  });
});

describe.each(SDK_VERSIONS)('parent and links, SDK %s', (sdk) => {
  const tracer = trace.getTracer('test');

  async function sendCall(meta: Record<string, string> | undefined, options?: TracingOptions) {
    const server = observe(addTracingTools(createExampleServer({ sdk }), sdk)).use(tracing(options));
    const raw = await connectRaw(server, sdk);
    cleanups.push(() => raw.close());
    await raw.send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await waitFor(() => raw.received.length === 1, 'the initialize answer');
    await raw.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const ambient = tracer.startSpan('POST /mcp', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), ambient), () =>
      raw.send({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'traced', arguments: {}, ...(meta === undefined ? {} : { _meta: meta }) },
      }),
    );
    await waitFor(() => raw.received.length === 2, 'the tools/call answer');
    ambient.end();
    await waitFor(() => otel.named('tools/call traced').length === 1, 'the span');
    return {
      ambient: otel.one('POST /mcp'),
      span: otel.one('tools/call traced'),
      inner: otel.one(INNER_SPAN),
    };
  }

  it('_meta traceparent is the parent; the ambient span is linked; baggage reaches the handler', async () => {
    const { ambient, span, inner } = await sendCall({
      traceparent: TRACEPARENT,
      tracestate: 'rojo=00f067aa0ba902b7',
      baggage: 'userId=alice',
    });
    expect(span.spanContext().traceId).toBe(REMOTE_TRACE_ID);
    expect(parentSpanIdOf(span)).toBe(REMOTE_SPAN_ID);
    expect(span.parentSpanContext?.isRemote).toBe(true);
    expect(span.spanContext().traceState?.serialize()).toBe('rojo=00f067aa0ba902b7');
    expect(span.links.map((link) => link.context.spanId)).toEqual([ambient.spanContext().spanId]);
    expect(parentSpanIdOf(inner)).toBe(span.spanContext().spanId);
  });

  it('preferAmbientParent: the ambient span is the parent; _meta is linked', async () => {
    const { ambient, span } = await sendCall({ traceparent: TRACEPARENT }, { preferAmbientParent: true });
    expect(parentSpanIdOf(span)).toBe(ambient.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(ambient.spanContext().traceId);
    expect(span.links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([
      [REMOTE_TRACE_ID, REMOTE_SPAN_ID],
    ]);
  });

  it('without trace context in _meta the ambient span is the parent, with no link', async () => {
    const { ambient, span } = await sendCall(undefined);
    expect(parentSpanIdOf(span)).toBe(ambient.spanContext().spanId);
    expect(span.links).toEqual([]);
  });
});

describe('baggage from _meta', () => {
  it('is visible inside the handler', async () => {
    let seen: string | undefined;
    const server = observe(createExampleServer({ sdk: 'v1' })).use(tracing());
    (server as unknown as { registerTool: (...args: unknown[]) => void }).registerTool(
      'baggage',
      { description: 'reads baggage' },
      async () => {
        seen = propagation.getActiveBaggage()?.getEntry('userId')?.value;
        return { content: [] };
      },
    );
    const raw = await connectRaw(server, 'v1');
    cleanups.push(() => raw.close());
    await raw.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'baggage',
        arguments: {},
        _meta: { traceparent: TRACEPARENT, baggage: 'userId=alice' },
      },
    });
    await waitFor(() => raw.received.length === 1, 'the answer');
    expect(seen).toBe('alice');
  });
});

describe.each(SDK_VERSIONS)('whose business a failure is, SDK %s', (sdk) => {
  const elicitation = {
    mode: 'url' as const,
    elicitationId: 'auth-1',
    url: 'https://example.com/authorize',
    message: 'Authorize access first',
  };

  async function callNeedingAuthorization(options?: TracingOptions): Promise<ReadableSpan> {
    const server = createExampleServer({ sdk });
    (server as V1McpServer).registerTool(
      'needs_authorization',
      { description: 'URL elicitation' },
      async () => {
        throw sdk === 'v1'
          ? new V1UrlElicitationRequired([elicitation])
          : new V2UrlElicitationRequired([elicitation]);
      },
    );
    const client = await connectInMemory(observe(server).use(tracing(options)), sdk);
    cleanups.push(() => client.close());
    const error = await client.callTool('needs_authorization').then(
      () => undefined,
      (thrown: unknown) => thrown as { code?: number },
    );
    expect(error?.code).toBe(-32042);
    await waitFor(() => otel.named('tools/call needs_authorization').length === 1, 'the span');
    return otel.one('tools/call needs_authorization', SpanKind.SERVER);
  }

  it('URL elicitation required (-32042) is the client’s: a flow to follow, not a tool error', async () => {
    const span = await callNeedingAuthorization();
    expect(attributesOf(span)).toMatchObject({
      'mcp.request.outcome': 'error',
      'mcp.error.side': 'client',
      'rpc.response.status_code': '-32042',
      'error.type': '-32042',
    });
    expect(span.attributes['mcp.tool.error_reason']).toBeUndefined();
  });

  it("URL elicitation with callerErrors 'unset': no error.type, status UNSET, no exception", async () => {
    const span = await callNeedingAuthorization({ callerErrors: 'unset' });
    expect(attributesOf(span)).toMatchObject({
      'mcp.request.outcome': 'error',
      'mcp.error.side': 'client',
      'rpc.response.status_code': '-32042',
    });
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events).toEqual([]);
  });

  it('a refused request carries who refused it and why (core’s refusal names)', async () => {
    const limiter: McpscopePlugin = {
      name: 'limiter',
      aroundRequest(request, dispatch) {
        if (request.method !== 'tools/call') dispatch();
        else
          request.refuse(
            { code: -32029, message: 'Rate limited' },
            { reason: 'rate_limited', scope: 'tool' },
          );
      },
    };
    const server = observe(createExampleServer({ sdk })).use(tracing(), limiter);
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    await expect(client.callTool('echo', { text: 'hi' })).rejects.toThrow(/Rate limited/);
    await waitFor(() => otel.named('tools/call echo').length === 1, 'the span');
    const span = otel.one('tools/call echo', SpanKind.SERVER);
    const protocolVersion = span.attributes['mcp.protocol.version'];
    expect(attributesOf(span)).toEqual({
      'mcp.method.name': 'tools/call',
      'jsonrpc.request.id': '1',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': protocolVersion,
      'mcp.request.outcome': 'error',
      'mcp.error.side': 'client',
      'rpc.response.status_code': '-32029',
      'error.type': '-32029',
      'mcp.refusal.reason': 'rate_limited',
      'mcp.refusal.plugin': 'limiter',
      'mcp.refusal.scope': 'tool',
    });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
  });
});
