/**
 * `getLogger()`: the request-scoped child logger inside a handler, created on first use and kept on the
 * request's facts; the base logger outside one.
 */
import { currentRequest, type RequestFacts } from '@mcpscope/core';
import type { Logger } from 'pino';
import type { ClientNotifications } from './client-notifications.js';
import { createDefaultLogger } from './default-logger.js';
import { requestBindings } from './fields.js';
import { activeTraceFields } from './trace-context.js';

/** What one `logging()` plugin gives the servers it is attached to. */
export interface LoggerScope {
  readonly base: Logger;
  readonly maxValueLength: number;
  readonly notifications: ClientNotifications | undefined;
}

const REQUEST_LOGGER = Symbol('mcpscope.logging.requestLogger');

/** Scopes by server (ServerFacts), set in `setup`. */
const scopes = new WeakMap<object, LoggerScope>();
let latestScope: LoggerScope | undefined;
let fallbackLogger: Logger | undefined;

export function registerScope(scope: LoggerScope): void {
  latestScope = scope;
}

export function attachScope(server: object, scope: LoggerScope): void {
  scopes.set(server, scope);
}

function createRequestLogger(scope: LoggerScope, request: RequestFacts): Logger {
  const logger = scope.base.child(requestBindings(request, activeTraceFields(), scope.maxValueLength));
  scope.notifications?.attach(logger, request);
  request[REQUEST_LOGGER] = logger;
  return logger;
}

/**
 * The logger to use inside a tool, prompt or resource handler: a child of the plugin's logger carrying
 * the request's `jsonrpc.request.id`, method, target, session id and (with OpenTelemetry) trace ids.
 * Outside a handler: the base logger of the latest `logging()` plugin (or a stderr logger if none).
 */
export function getLogger(): Logger {
  const request = currentRequest();
  if (request !== undefined) {
    const existing = request[REQUEST_LOGGER];
    if (existing !== undefined) return existing as Logger;
    const scope = scopes.get(request.session.server);
    if (scope !== undefined) return createRequestLogger(scope, request);
  }
  if (latestScope !== undefined) return latestScope.base;
  fallbackLogger ??= createDefaultLogger();
  return fallbackLogger;
}
