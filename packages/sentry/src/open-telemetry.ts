/**
 * The active OpenTelemetry span, read from the `@opentelemetry/api` global registry (this package does
 * not depend on the API; every copy of API 1.x shares that registry). Used only when an event is
 * captured for a request whose `request.trace` no tracing plugin set.
 */
import type { TraceIds } from '@mcpscope/core';

const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/;

interface OpenTelemetryGlobal {
  context?: { active?(): { getValue?(key: symbol): unknown } | undefined };
}

interface SpanLike {
  spanContext?(): { traceId?: unknown; spanId?: unknown; traceFlags?: unknown } | undefined;
}

/** The ids of the active OpenTelemetry span, or undefined when there is none. */
export function activeOpenTelemetrySpan(): TraceIds | undefined {
  const api = (globalThis as Record<symbol, OpenTelemetryGlobal | undefined>)[API_GLOBAL];
  const manager = api?.context;
  if (manager === undefined || typeof manager.active !== 'function') return undefined;
  const span = manager.active()?.getValue?.(SPAN_KEY) as SpanLike | undefined;
  const context = span?.spanContext?.();
  if (context === undefined) return undefined;
  const { traceId, spanId, traceFlags } = context;
  if (typeof traceId !== 'string' || !TRACE_ID.test(traceId)) return undefined;
  if (typeof spanId !== 'string' || !SPAN_ID.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: typeof traceFlags === 'number' ? traceFlags : 0 };
}
