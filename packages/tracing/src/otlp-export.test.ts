import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { instrumentClient, tracing } from './index.js';

/** OTLP/JSON as the exporter sends it (the parts these tests read). */
interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  events: { name: string; attributes: OtlpAttribute[] }[];
  status: { code?: number; message?: string };
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

const OTLP_SPAN_KIND_SERVER = 2;
const OTLP_SPAN_KIND_CLIENT = 3;
const OTLP_STATUS_CODE_ERROR = 2;

function decode(attributes: OtlpAttribute[]): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const { key, value } of attributes) {
    decoded[key] =
      value.stringValue ?? (value.intValue === undefined ? value.boolValue : Number(value.intValue));
  }
  return decoded;
}

/** A local OTLP/HTTP receiver: keeps every request's headers and decoded body. */
const received: { path: string; headers: IncomingHttpHeaders; body: OtlpExport }[] = [];
const receiver = createServer((incoming, response) => {
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.on('end', () => {
    received.push({
      path: incoming.url ?? '',
      headers: incoming.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{}');
  });
});

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe.each(SDK_VERSIONS)('OTLP/HTTP export, SDK %s', (sdk) => {
  it('a real exporter delivers the spans, decodable, with names, kinds, parentage and statuses', async () => {
    const { port } = receiver.address() as AddressInfo;
    received.length = 0;
    const provider = new BasicTracerProvider({
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` })),
      ],
    });
    const server = observe(createExampleServer({ sdk })).use(tracing({ tracerProvider: provider }));
    const client = instrumentClient(newClient(sdk), { tracerProvider: provider });
    await connectPair(server, client, sdk);
    await callTool(client, 'echo', { text: 'hi' });
    await callTool(client, 'fail');
    await expect(request(client, 'prompts/get', { name: 'nope' })).rejects.toThrow();
    await client.close();
    await provider.forceFlush();
    await provider.shutdown();

    expect(received.length).toBeGreaterThan(0);
    expect(received.every(({ path }) => path === '/v1/traces')).toBe(true);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    const resourceSpans = received.flatMap(({ body }) => body.resourceSpans);
    const serviceName = decode(resourceSpans[0]?.resource.attributes ?? [])['service.name'];
    expect(serviceName).toMatch(/^unknown_service/);
    const scopes = resourceSpans.flatMap((resource) => resource.scopeSpans);
    expect(new Set(scopes.map(({ scope }) => `${scope.name}@${scope.version}`))).toEqual(
      new Set([`@mcpscope/tracing@${packageJson.version}`]),
    );
    const spans = scopes.flatMap((scope) => scope.spans);
    const find = (name: string, kind: number): OtlpSpan => {
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
    expect(decode(serverEcho.attributes)).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': '1',
      'mcp.request.outcome': 'ok',
    });
    expect(serverEcho.status.code ?? 0).toBe(0);

    const serverFail = find('tools/call fail', OTLP_SPAN_KIND_SERVER);
    expect(serverFail.status).toEqual({ code: OTLP_STATUS_CODE_ERROR, message: TOOL_FAILURE_MESSAGE });
    expect(decode(serverFail.attributes)).toMatchObject({
      'error.type': 'tool_error',
      'mcp.tool.error_reason': 'handler_threw',
    });
    expect(serverFail.events.map((event) => event.name)).toEqual(['exception']);
    expect(decode(serverFail.events[0]?.attributes ?? [])['exception.message']).toBe(TOOL_FAILURE_MESSAGE);

    const clientPrompt = find('prompts/get nope', OTLP_SPAN_KIND_CLIENT);
    expect(decode(clientPrompt.attributes)).toMatchObject({
      'error.type': '-32602',
      'rpc.response.status_code': '-32602',
    });
    expect(clientPrompt.status.code).toBe(OTLP_STATUS_CODE_ERROR);
  });
});
