/**
 * State every copy of @mcpscope/logging in a process must share (the ESM and the CommonJS build can both
 * be loaded; a plugin may bring its own copy): `getLogger()` from one copy must find the scope that
 * another copy's plugin attached. It lives under a versioned global symbol, as core keeps its own; bump
 * the version when the shape changes, so copies with different shapes keep apart.
 */
import type { RequestFacts } from '@mcpscope/core';
import type { Logger } from 'pino';

export const SHARED_STATE_VERSION = 1;

/** What `getLogger()` needs from a plugin's loggers; every copy of version 1 keeps this shape. */
export interface SharedScope {
  readonly base: Logger;
  /** The request's child logger, made on first use and kept on the request. */
  requestLogger(request: RequestFacts): Logger;
}

export interface LoggingSharedState {
  readonly version: number;
  /** Scopes by the endpoint (core's `EndpointFacts`) they were attached to. */
  readonly scopes: WeakMap<object, SharedScope>;
  /** The scope of the most recently created plugin: `getLogger()` outside handlers. */
  latest: SharedScope | undefined;
  /** The logger `getLogger()` makes when no plugin exists. */
  fallback: Logger | undefined;
  /** Destinations listened to for `error`, once however many plugins (or copies) share them. */
  readonly watchedDestinations: WeakSet<object>;
  /** Destinations that reported an error: flushing no longer waits for them. */
  readonly failedDestinations: WeakSet<object>;
}

const SHARED_STATE_KEY = Symbol.for(`mcpscope.logging.shared-state.v${SHARED_STATE_VERSION}`);

function sharedState(): LoggingSharedState {
  const global = globalThis as { [SHARED_STATE_KEY]?: LoggingSharedState };
  const existing = global[SHARED_STATE_KEY];
  if (existing !== undefined && existing.version === SHARED_STATE_VERSION) return existing;
  const created: LoggingSharedState = {
    version: SHARED_STATE_VERSION,
    scopes: new WeakMap(),
    latest: undefined,
    fallback: undefined,
    watchedDestinations: new WeakSet(),
    failedDestinations: new WeakSet(),
  };
  Object.defineProperty(globalThis, SHARED_STATE_KEY, {
    value: created,
    configurable: true,
    writable: false,
  });
  return created;
}

/** The one shared state of this process. */
export const shared: LoggingSharedState = sharedState();
