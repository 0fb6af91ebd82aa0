import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTool, captureLogger, text } from '../test/harness.js';
import { getLogger, logging } from './index.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

const SPAN = Symbol('test.span');

/** A stand-in for a tracing plugin: each request's dispatch runs inside its own active span. */
function spanPlugin(): McpscopePlugin {
  const tracer = trace.getTracer('test');
  return {
    name: 'test-span',
    aroundRequest(request: RequestFacts, dispatch: () => void) {
      const span = tracer.startSpan(
        request.target === undefined ? request.method : `${request.method} ${request.target}`,
      );
      request[SPAN] = span;
      context.with(trace.setSpan(context.active(), span), dispatch);
    },
    onRequestEnd(request: RequestFacts) {
      (request[SPAN] as Span | undefined)?.end();
    },
  };
}

describe.each(SDK_VERSIONS)('trace_id and span_id, SDK %s', (sdk) => {
  it.each(['logging first', 'span plugin first'])(
    'request and handler lines carry the active span (%s)',
    async (order) => {
      const captured = captureLogger();
      const server = createExampleServer({ sdk });
      addTool(server, sdk, 'traced', {}, async () => {
        getLogger().info('inside');
        return text('ok');
      });
      const plugins = [logging({ logger: captured.logger }), spanPlugin()];
      const client = await connectInMemory(
        observe(server).use(...(order === 'logging first' ? plugins : plugins.reverse())),
        sdk,
      );
      await client.callTool('traced');
      await waitFor(() => captured.requestLines('tools/call').length === 1, 'the request line');
      await client.close();

      const span = exporter.getFinishedSpans().find((finished) => finished.name === 'tools/call traced');
      expect(span).toBeDefined();
      const { traceId, spanId } = span!.spanContext();
      const expected = { trace_id: traceId, span_id: spanId, trace_flags: '01' };
      expect(captured.requestLines('tools/call')[0]).toMatchObject(expected);
      expect(captured.lines.find((line) => line.msg === 'inside')).toMatchObject({
        ...expected,
        'jsonrpc.request.id': '1',
      });
    },
  );

  it('no trace fields without an active span', async () => {
    const captured = captureLogger();
    const server = createExampleServer({ sdk });
    addTool(server, sdk, 'untraced', {}, async () => {
      getLogger().info('inside');
      return text('ok');
    });
    const client = await connectInMemory(observe(server).use(logging({ logger: captured.logger })), sdk);
    await client.callTool('untraced');
    await waitFor(() => captured.requestLines('tools/call').length === 1, 'the request line');
    await client.close();
    for (const line of captured.lines) {
      expect(line).not.toHaveProperty('trace_id');
      expect(line).not.toHaveProperty('span_id');
    }
    expect(captured.lines.some((line) => line.msg === 'inside')).toBe(true);
  });
});
