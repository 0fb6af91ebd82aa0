/** `getLogger()`: the request's child logger inside a handler; the base logger outside one. */
import { currentRequest } from '@mcpscope/core';
import type { Logger } from 'pino';
import { createDefaultLogger } from './default-logger.js';
import { type SharedScope, shared } from './shared-state.js';

export function registerScope(scope: SharedScope): void {
  shared.latest = scope;
}

export function attachScope(endpoint: object, scope: SharedScope): void {
  shared.scopes.set(endpoint, scope);
}

/**
 * The logger to use inside a tool, prompt or resource handler: a child of the plugin's logger whose
 * lines carry the request's `jsonrpc.request.id`, method, target, session and client fields, its
 * `customProps` and (with a tracing plugin) `trace_id` / `span_id`. Outside a handler: the base logger
 * of the latest `logging()` plugin (a stderr logger if there is none).
 */
export function getLogger(): Logger {
  const request = currentRequest();
  if (request !== undefined) {
    const scope = shared.scopes.get(request.session.endpoint);
    if (scope !== undefined) return scope.requestLogger(request);
  }
  if (shared.latest !== undefined) return shared.latest.base;
  shared.fallback ??= createDefaultLogger();
  return shared.fallback;
}
