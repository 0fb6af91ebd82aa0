/**
 * The cross-plugin claim, with the real @mcpscope/tracing plugin on a real OpenTelemetry SDK: a request's
 * log line and its handler's `getLogger()` lines carry the ids of the SERVER span that records it
 * (`request.trace`, set by the tracing plugin), in either plugin order.
 */
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { tracing } from '@mcpscope/tracing';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTool, captureLogger, LEVEL, text } from '../test/harness.js';
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

function serverSpan(name: string) {
  const spans = exporter
    .getFinishedSpans()
    .filter((span) => span.name === name && span.kind === SpanKind.SERVER);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe.each(SDK_VERSIONS)('log lines join the real tracing plugin’s SERVER span, SDK %s', (sdk) => {
  it.each(['logging first', 'tracing first'])(
    'request and handler lines carry its ids (%s)',
    async (order) => {
      const captured = captureLogger();
      const server = createExampleServer({ sdk });
      addTool(server, sdk, 'traced', {}, async () => {
        getLogger().info('inside');
        return text('ok');
      });
      const plugins = [logging({ logger: captured.logger }), tracing()];
      const client = await connectInMemory(
        observe(server).use(...(order === 'logging first' ? plugins : plugins.reverse())),
        sdk,
      );
      await client.callTool('traced');
      await client.callTool('fail');
      await waitFor(() => captured.requestLines('tools/call').length === 2, 'two request lines');
      await client.close();

      const traced = serverSpan('tools/call traced').spanContext();
      const expected = { trace_id: traced.traceId, span_id: traced.spanId, trace_flags: '01' };
      const [tracedLine, failedLine] = captured.requestLines('tools/call');
      expect(tracedLine).toMatchObject({ ...expected, msg: 'tools/call traced ok' });
      expect(captured.lines.find((line) => line.msg === 'inside')).toMatchObject({
        ...expected,
        'jsonrpc.request.id': '1',
      });
      const failed = serverSpan('tools/call fail').spanContext();
      expect(failedLine).toMatchObject({
        level: LEVEL.error,
        trace_id: failed.traceId,
        span_id: failed.spanId,
        trace_flags: '01',
      });
      expect(failed.traceId).not.toBe(traced.traceId);
    },
  );

  it('without a tracing plugin, no line carries trace fields', async () => {
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
    expect(captured.lines.map((line) => line.msg)).toContain('inside');
    for (const line of captured.lines) {
      expect(Object.keys(line).filter((key) => key.startsWith('trace_') || key === 'span_id')).toEqual([]);
    }
  });
});
