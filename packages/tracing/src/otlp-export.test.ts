import { observe } from '@mcpscope/core';
import { createExampleServer, SDK_VERSIONS, TOOL_FAILURE_MESSAGE } from '@mcpscope/test-kit';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { callTool, connectPair, newClient, request } from '../test/clients.js';
import {
  decodeAttributes,
  OTLP_SPAN_KIND_CLIENT,
  OTLP_SPAN_KIND_SERVER,
  OTLP_STATUS_CODE_ERROR,
  type OtlpReceiver,
  startOtlpReceiver,
} from '../test/otlp-receiver.js';
import { tracing } from './index.js';

let receiver: OtlpReceiver;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

describe.each(SDK_VERSIONS)('OTLP/HTTP export, SDK %s', (sdk) => {
  it('a real exporter delivers the spans, decodable, with names, kinds, parentage and statuses', async () => {
    receiver.received.length = 0;
    const provider = new BasicTracerProvider({
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` })),
      ],
    });
    const server = observe(createExampleServer({ sdk })).use(tracing({ tracerProvider: provider }));
    const client = observe(newClient(sdk)).use(tracing({ tracerProvider: provider }));
    await connectPair(server, client, sdk);
    await callTool(client, 'echo', { text: 'hi' });
    await callTool(client, 'fail');
    await expect(request(client, 'prompts/get', { name: 'nope' })).rejects.toThrow();
    await client.close();
    await provider.forceFlush();
    await provider.shutdown();

    expect(receiver.received.every(({ path }) => path === '/v1/traces')).toBe(true);
    expect(receiver.received[0]?.headers['content-type']).toBe('application/json');
    const spans = receiver.spans();
    expect(String(spans[0]?.resource['service.name'])).toMatch(/^unknown_service/);
    expect(new Set(spans.map(({ scope }) => scope))).toEqual(
      new Set([`@mcpscope/tracing@${packageJson.version}`]),
    );
    const find = (name: string, kind: number) => {
      const found = spans.filter((span) => span.name === name && span.kind === kind);
      expect(found, `${name} (${kind})`).toHaveLength(1);
      return found[0]!;
    };
    // initialize, tools/call echo, tools/call fail, prompts/get nope: each once per side.
    expect(spans).toHaveLength(8);

    const clientEcho = find('tools/call echo', OTLP_SPAN_KIND_CLIENT);
    const serverEcho = find('tools/call echo', OTLP_SPAN_KIND_SERVER);
    expect(serverEcho.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(serverEcho.traceId).toBe(clientEcho.traceId);
    expect(serverEcho.parentSpanId).toBe(clientEcho.spanId);
    expect(BigInt(serverEcho.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(serverEcho.startTimeUnixNano));
    expect(decodeAttributes(serverEcho.attributes)).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': '1',
      'mcp.request.outcome': 'ok',
    });
    expect(serverEcho.status.code ?? 0).toBe(0);

    const serverFail = find('tools/call fail', OTLP_SPAN_KIND_SERVER);
    expect(serverFail.status).toEqual({ code: OTLP_STATUS_CODE_ERROR, message: TOOL_FAILURE_MESSAGE });
    expect(decodeAttributes(serverFail.attributes)).toMatchObject({
      'error.type': 'tool_error',
      'mcp.tool.error_reason': 'handler_threw',
      'mcp.error.side': 'server',
    });
    expect(serverFail.events.map((event) => event.name)).toEqual(['exception']);
    expect(decodeAttributes(serverFail.events[0]?.attributes ?? [])['exception.message']).toBe(
      TOOL_FAILURE_MESSAGE,
    );

    const clientPrompt = find('prompts/get nope', OTLP_SPAN_KIND_CLIENT);
    expect(decodeAttributes(clientPrompt.attributes)).toMatchObject({
      'error.type': '-32602',
      'rpc.response.status_code': '-32602',
      'mcp.error.side': 'client',
    });
    expect(clientPrompt.status.code).toBe(OTLP_STATUS_CODE_ERROR);
  });
});
