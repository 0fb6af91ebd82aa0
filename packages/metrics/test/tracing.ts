/**
 * A real OpenTelemetry tracing SDK (async-hooks context manager, a tracer provider whose spans are all
 * sampled, an in-memory exporter) and the real @mcpscope/tracing plugin, for the exemplar tests: the
 * exemplar must be the SERVER span the tracing plugin recorded.
 */
import { tracing } from '@mcpscope/tracing';
import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface RealTracing {
  /** A fresh `tracing()` plugin recording into this SDK. */
  plugin(): ReturnType<typeof tracing>;
  /** The SERVER spans ended since the last `reset()`. */
  serverSpans(): ReadableSpan[];
  reset(): void;
  stop(): void;
}

export function startTracing(): RealTracing {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    plugin: () => tracing({ tracerProvider: provider }),
    serverSpans: () => exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER),
    reset: () => exporter.reset(),
    stop() {
      context.disable();
    },
  };
}
