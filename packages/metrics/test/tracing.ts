/**
 * A real OpenTelemetry SDK for exemplar tests: the async-hooks context manager, a tracer whose spans
 * are always sampled, and a plugin that runs dispatch inside a span the way @mcpscope/tracing does.
 */
import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

export function startTracing(): { tracer: ReturnType<BasicTracerProvider['getTracer']>; stop(): void } {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const provider = new BasicTracerProvider();
  return {
    tracer: provider.getTracer('metrics-test'),
    stop() {
      context.disable();
    },
  };
}

export interface SpanPlugin extends McpscopePlugin {
  /** The span of each request, by request. */
  readonly spans: Map<RequestFacts, Span>;
}

export function spanPlugin(tracer: ReturnType<BasicTracerProvider['getTracer']>): SpanPlugin {
  const spans = new Map<RequestFacts, Span>();
  return {
    name: 'test-spans',
    spans,
    aroundRequest(request, dispatch) {
      const span = tracer.startSpan(`${request.method} ${request.target ?? ''}`.trim());
      spans.set(request, span);
      context.with(trace.setSpan(context.active(), span), dispatch);
    },
    onRequestEnd(request) {
      spans.get(request)?.end();
    },
  };
}
