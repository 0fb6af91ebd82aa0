/** The one async context each request's dispatch runs in, and `currentRequest()` inside handlers. */
import { shared } from './shared-state.js';
import type { ContextCarrier, RequestFacts } from './types.js';

/**
 * The facts of the request being handled, from inside any tool, prompt or resource handler (and any
 * async work it starts). Undefined outside a handler, or when no attached plugin asked for request
 * context (see `McpscopePlugin.requestContext` and `ObserveOptions.requestContext`).
 */
export function currentRequest(): RequestFacts | undefined {
  const stored = shared.requestStorage.getStore();
  if (stored !== undefined) return stored;
  if (shared.carriers.size === 0) return undefined;
  for (const carrier of shared.carriers) {
    const carried = carrier.currentRequest();
    if (carried !== undefined) return carried;
  }
  return undefined;
}

/** Remembers a plugin's carrier so `currentRequest()` can look into the contexts it enters. */
export function registerCarrier(carrier: ContextCarrier): void {
  shared.carriers.add(carrier);
}

/**
 * Runs `callback` inside one async context for `request`: the first carrier (highest priority) that can
 * carry it, else core's own AsyncLocalStorage when anything needs a context, else directly.
 */
export function runInRequestContext(
  request: RequestFacts,
  carriers: readonly ContextCarrier[],
  values: ReadonlyMap<symbol, unknown> | undefined,
  needsContext: boolean,
  callback: () => void,
): void {
  for (let index = 0; index < carriers.length; index++) {
    if (carriers[index]!.run(request, values, callback)) return;
  }
  if (needsContext || values !== undefined) shared.requestStorage.run(request, callback);
  else callback();
}
