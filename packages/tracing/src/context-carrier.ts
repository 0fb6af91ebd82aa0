/**
 * Core's context carrier on OpenTelemetry's context: each inbound request's dispatch enters one
 * `context.with`, whose context holds the request's span (or the ambient context when it has none),
 * core's request (for `currentRequest()`) and the values other plugins set on the request (Sentry puts
 * its isolation-scope fork there when its context manager is the global one). Core then needs no
 * AsyncLocalStorage of its own.
 */
import type { ContextCarrier, RequestFacts } from '@mcpscope/core';
import { type Context, context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { CONTEXT } from './request-slots.js';

/** `Symbol.for` underneath: every copy of this package (ESM, CommonJS) reads the same key. */
export const REQUEST_KEY = createContextKey('mcpscope.request');

const PROBE_CONTEXT = ROOT_CONTEXT.setValue(createContextKey('mcpscope.tracing.probe'), true);
const probe = (): boolean => context.active() === PROBE_CONTEXT;
let contextManagerWorks = false;

/**
 * Whether a context manager that propagates is registered (with the API's no-op one, `context.with`
 * enters nothing). Checked until it works once, then taken for granted.
 */
function contextPropagates(): boolean {
  if (!contextManagerWorks) contextManagerWorks = context.with(PROBE_CONTEXT, probe);
  return contextManagerWorks;
}

export const openTelemetryCarrier: ContextCarrier = {
  priority: 10,
  run(
    request: RequestFacts,
    values: ReadonlyMap<symbol, unknown> | undefined,
    callback: () => void,
  ): boolean {
    if (!contextPropagates()) return false;
    let carried: Context = ((request[CONTEXT] as Context | undefined) ?? context.active()).setValue(
      REQUEST_KEY,
      request,
    );
    if (values !== undefined) {
      for (const [key, value] of values) carried = carried.setValue(key, value);
    }
    context.with(carried, callback);
    return true;
  },
  currentRequest(): RequestFacts | undefined {
    return context.active().getValue(REQUEST_KEY) as RequestFacts | undefined;
  },
};
