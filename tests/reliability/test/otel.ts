/**
 * A real OpenTelemetry SDK: AsyncLocalStorage context and W3C propagators registered globally (as an
 * application does), and a tracer provider per test with an in-memory exporter (or any exporter) and a
 * processor that counts spans still open.
 */
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

let registered = false;

/** Registers the context manager and propagators once per process. */
export function registerOtelContext(): void {
  if (registered) return;
  registered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
}

/** Counts spans started and ended: a span never ended is a leak. */
export class OpenSpanCounter implements SpanProcessor {
  started = 0;
  ended = 0;
  get open(): number {
    return this.started - this.ended;
  }
  onStart(_span: Span): void {
    this.started++;
  }
  onEnd(_span: ReadableSpan): void {
    this.ended++;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestTracing {
  readonly provider: BasicTracerProvider;
  readonly exporter: InMemorySpanExporter;
  readonly counter: OpenSpanCounter;
  spans(): ReadableSpan[];
}

/** A provider exporting to memory, synchronously on span end. */
export function inMemoryTracing(): TestTracing {
  registerOtelContext();
  const exporter = new InMemorySpanExporter();
  const counter = new OpenSpanCounter();
  const provider = new BasicTracerProvider({
    spanProcessors: [counter, new SimpleSpanProcessor(exporter)],
  });
  return { provider, exporter, counter, spans: () => exporter.getFinishedSpans() };
}

/** A provider whose spans go to the given processor (a failing or hanging exporter in a batch). */
export function tracingWith(processor: SpanProcessor): {
  provider: BasicTracerProvider;
  counter: OpenSpanCounter;
} {
  registerOtelContext();
  const counter = new OpenSpanCounter();
  return { provider: new BasicTracerProvider({ spanProcessors: [counter, processor] }), counter };
}

export type { SpanExporter };

/** A provider that records spans but keeps none (no exporter): only the open-span count. */
export function countingTracing(): { provider: BasicTracerProvider; counter: OpenSpanCounter } {
  registerOtelContext();
  const counter = new OpenSpanCounter();
  return { provider: new BasicTracerProvider({ spanProcessors: [counter] }), counter };
}

/** Everything a span carries, as text: what a leak check searches. */
export function spanText(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    status: span.status,
    links: span.links,
    resource: span.resource.attributes,
  });
}
