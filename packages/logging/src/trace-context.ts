/**
 * `trace_id` / `span_id` of the active OpenTelemetry span, when @opentelemetry/api is installed (an
 * optional peer, loaded on first use, never required).
 */
import { createRequire } from 'node:module';

type OpenTelemetryApi = typeof import('@opentelemetry/api');

export interface TraceFields {
  readonly trace_id: string;
  readonly span_id: string;
  readonly trace_flags: string;
}

let api: OpenTelemetryApi | null | undefined;

function loadApi(): OpenTelemetryApi | null {
  try {
    const load = typeof require === 'function' ? require : createRequire(import.meta.url);
    api = load('@opentelemetry/api') as OpenTelemetryApi;
  } catch {
    api = null;
  }
  return api;
}

/** The active span's ids, or undefined when there is none (or no OpenTelemetry API). */
export function activeTraceFields(): TraceFields | undefined {
  const otel = api === undefined ? loadApi() : api;
  if (otel === null) return undefined;
  const span = otel.trace.getSpan(otel.context.active());
  if (span === undefined) return undefined;
  const context = span.spanContext();
  if (!otel.trace.isSpanContextValid(context)) return undefined;
  return {
    trace_id: context.traceId,
    span_id: context.spanId,
    trace_flags: context.traceFlags.toString(16).padStart(2, '0'),
  };
}
