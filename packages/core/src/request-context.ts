import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestFacts } from './types.js';

const requestStorage = new AsyncLocalStorage<RequestFacts>();

/**
 * The facts of the request being handled, from inside any tool, prompt or resource handler (and any
 * async work it starts). Undefined outside a handler, or when no attached plugin asked for request
 * context (see `McpscopePlugin.requestContext` and `ObserveOptions.requestContext`).
 */
export function currentRequest(): RequestFacts | undefined {
  return requestStorage.getStore();
}

export function runInRequestContext(
  request: RequestFacts,
  deliver: (message: unknown, extra: unknown) => void,
  message: unknown,
  extra: unknown,
): void {
  requestStorage.run(request, deliver, message, extra);
}
