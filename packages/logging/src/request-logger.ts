/** `getLogger()`: the request's child logger inside a handler; the base logger outside one. */
import { currentRequest } from '@mcpscope/core';
import type { Logger } from 'pino';
import { createDefaultLogger } from './default-logger.js';
import type { LoggerScope } from './logger-scope.js';

/** Scopes by server (the EndpointFacts given to `setup`). */
const scopes = new WeakMap<object, LoggerScope>();
let latestScope: LoggerScope | undefined;
let fallbackLogger: Logger | undefined;

export function registerScope(scope: LoggerScope): void {
  latestScope = scope;
}

export function attachScope(server: object, scope: LoggerScope): void {
  scopes.set(server, scope);
}

/**
 * The logger to use inside a tool, prompt or resource handler: a child of the plugin's logger whose
 * lines carry the request's `jsonrpc.request.id`, method, target, session and client fields and (with
 * OpenTelemetry) `trace_id` / `span_id`. Outside a handler: the base logger of the latest `logging()`
 * plugin (a stderr logger if there is none).
 */
export function getLogger(): Logger {
  const request = currentRequest();
  if (request !== undefined) {
    const scope = scopes.get(request.session.endpoint);
    if (scope !== undefined) return scope.requestLogger(request);
  }
  if (latestScope !== undefined) return latestScope.base;
  fallbackLogger ??= createDefaultLogger();
  return fallbackLogger;
}
