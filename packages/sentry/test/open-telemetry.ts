/**
 * A real OpenTelemetry SDK for the tests that run the real @mcpscope/tracing plugin: a tracer provider
 * with an in-memory exporter and, unless Sentry manages OpenTelemetry's context itself
 * (`enableOpenTelemetrySetup`), the AsyncLocalStorage context manager.
 */
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface OpenTelemetrySdk {
  readonly provider: BasicTracerProvider;
  /** Finished spans named `name` of kind SERVER. */
  serverSpans(name: string): ReadableSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

const SERVER_KIND = 1;

export function startOpenTelemetry(options: { contextManager?: boolean } = {}): OpenTelemetrySdk {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  if (options.contextManager !== false) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  return {
    provider,
    serverSpans: (name) =>
      exporter.getFinishedSpans().filter((span) => span.name === name && span.kind === SERVER_KIND),
    reset: () => exporter.reset(),
    async shutdown() {
      await provider.shutdown();
      if (options.contextManager !== false) context.disable();
      trace.disable();
    },
  };
}

export type { Span };
