/**
 * With OpenTelemetry tracing around each request (as @mcpscope/tracing does) and Sentry in its default
 * mode (no OpenTelemetry setup of its own), events join the OpenTelemetry trace of their request.
 */
import { type McpscopePlugin, observe, endpointFacts } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvelopeReceiver, exceptionOf, startEnvelopeReceiver } from '../test/envelope-receiver.js';
import { sentry } from './index.js';
import { activeOpenTelemetrySpan } from './open-telemetry.js';

const SPAN = Symbol('test.span');
let receiver: EnvelopeReceiver;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  receiver = await startEnvelopeReceiver();
  Sentry.init({ dsn: receiver.dsn, sendClientReports: false });
});

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
  context.disable();
  trace.disable();
});

/** A stand-in for @mcpscope/tracing: one OpenTelemetry span around each request's dispatch. */
function spanAroundEachRequest(): McpscopePlugin & { readonly spans: Span[] } {
  const tracer = trace.getTracer('test');
  const spans: Span[] = [];
  return {
    name: 'otel-span',
    spans,
    aroundRequest(request, dispatch) {
      const span = tracer.startSpan(`${request.method} ${request.target ?? ''}`.trim());
      spans.push(span);
      request[SPAN] = span;
      context.with(trace.setSpan(context.active(), span), dispatch);
    },
    onRequestEnd(request) {
      (request[SPAN] as Span | undefined)?.end();
    },
  };
}

it('reads the active span from the OpenTelemetry API registry', () => {
  expect(activeOpenTelemetrySpan()).toBeUndefined();
  const span = trace.getTracer('test').startSpan('outer');
  const { traceId, spanId } = span.spanContext();
  context.with(trace.setSpan(context.active(), span), () => {
    expect(activeOpenTelemetrySpan()).toEqual({ traceId, spanId });
  });
  span.end();
});

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('an event carries the trace of the OpenTelemetry span around its request', async () => {
    const tracing = spanAroundEachRequest();
    const server = observe(createExampleServer({ sdk })).use(tracing, sentry());
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'first' });
    await client.callTool('fail');
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    await Sentry.flush(5_000);
    await client.close();
    await server.close();

    const events = receiver.events();
    receiver.clear();
    expect(events).toHaveLength(1);
    expect(exceptionOf(events[0]!)?.value).toBe('tool failed on purpose');
    const failSpan = tracing.spans.find(
      (span) => (span as unknown as { name: string }).name === 'tools/call fail',
    );
    const { traceId, spanId } = failSpan!.spanContext();
    expect(events[0]?.contexts?.trace).toMatchObject({ trace_id: traceId, parent_span_id: spanId });
    const otherTraces = tracing.spans
      .filter((span) => span !== failSpan)
      .map((span) => span.spanContext().traceId);
    expect(otherTraces).not.toContain(traceId);
  });
});
