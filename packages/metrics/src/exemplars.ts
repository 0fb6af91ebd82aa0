/**
 * Exemplars from the active OpenTelemetry span. `@opentelemetry/api` is an optional peer: it is
 * loaded on first use, only if installed, and shares the application's tracer through its global.
 */
import { createRequire } from 'node:module';
import type { RequestFacts } from '@mcpscope/core';
import type { ExemplarLabels } from './types.js';

export type ExemplarSource = (request: RequestFacts) => ExemplarLabels | undefined;

interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

interface OpenTelemetryApi {
  readonly trace: { getSpan(context: unknown): { spanContext(): SpanContext } | undefined };
  readonly context: { active(): unknown };
  isSpanContextValid(spanContext: SpanContext): boolean;
}

const SAMPLED = 1;

let loaded: OpenTelemetryApi | null | undefined;

function openTelemetryApi(): OpenTelemetryApi | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as OpenTelemetryApi;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** `trace_id` and `span_id` of the active span when it is sampled; undefined without OpenTelemetry. */
export function activeSpanExemplars(): ExemplarSource | undefined {
  const api = openTelemetryApi();
  if (api === undefined) return undefined;
  const { trace, context } = api;
  return (request) => {
    // A request that was cancelled or cut off ends outside its own context: no span to trust.
    if (request.outcome === 'cancelled' || request.outcome === 'closed') return undefined;
    const span = trace.getSpan(context.active());
    if (span === undefined) return undefined;
    const spanContext = span.spanContext();
    if ((spanContext.traceFlags & SAMPLED) === 0 || !api.isSpanContextValid(spanContext)) return undefined;
    return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
  };
}
