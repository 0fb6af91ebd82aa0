/** A real OpenTelemetry SDK for tests: in-memory exporter, AsyncLocalStorage context, W3C propagators. */
import { context, propagation, type SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface TestOtel {
  readonly provider: BasicTracerProvider;
  readonly exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  /** Exactly one finished span with this name (and kind), or the test fails. */
  one(name: string, kind?: SpanKind): ReadableSpan;
  named(name: string, kind?: SpanKind): ReadableSpan[];
  reset(): void;
}

/** Registers the SDK globally (provider, context manager, propagators), as an application would. */
export function registerTestOtel(): TestOtel {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);
  const named = (name: string, kind?: SpanKind) =>
    exporter
      .getFinishedSpans()
      .filter((span) => span.name === name && (kind === undefined || span.kind === kind));
  return {
    provider,
    exporter,
    spans: () => exporter.getFinishedSpans(),
    named,
    one(name, kind) {
      const found = named(name, kind);
      if (found.length !== 1) {
        const all = exporter.getFinishedSpans().map((span) => `${span.name}(${span.kind})`);
        throw new Error(`expected one span "${name}", found ${found.length}; spans: ${all.join(', ')}`);
      }
      return found[0]!;
    },
    reset: () => exporter.reset(),
  };
}

export function parentSpanIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export function eventNames(span: ReadableSpan): string[] {
  return span.events.map((event) => event.name);
}
