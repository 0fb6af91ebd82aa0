/**
 * One Sentry isolation scope per request, forked inside the one async context core enters per request:
 *
 * - Sentry manages OpenTelemetry's context (`Sentry.init({ enableOpenTelemetrySetup: true })`): its
 *   context manager forks the isolation scope of any context that carries the key
 *   `Symbol.for('sentry_fork_isolation_scope')` (`@sentry/opentelemetry`). The key rides on the context a
 *   carrier enters (the tracing plugin's OpenTelemetry `context.with`), and `aroundRequest` adopts the
 *   scopes it finds there.
 * - Otherwise this plugin's own carrier (lower priority than the tracing plugin's) enters
 *   `Sentry.withIsolationScope` once and carries core's request in it.
 * - When neither forked (another carrier entered a context Sentry does not manage), `aroundRequest` forks
 *   with `Sentry.withIsolationScope` itself.
 */
import type { ContextCarrier, RequestFacts } from '@mcpscope/core';
import type { Scope } from '@sentry/node';
import * as Sentry from '@sentry/node';

/** `@sentry/opentelemetry`'s `SENTRY_FORK_ISOLATION_SCOPE_CONTEXT_KEY` (`createContextKey` is `Symbol.for`). */
export const SENTRY_FORK_ISOLATION_SCOPE = Symbol.for('sentry_fork_isolation_scope');

const OPEN_TELEMETRY_API = Symbol.for('opentelemetry.js.api.1');

/** Whether OpenTelemetry's global context manager is Sentry's (it has Sentry's own lookup method). */
export function sentryManagesOpenTelemetryContext(): boolean {
  const api = (
    globalThis as Record<symbol, { context?: { getAsyncLocalStorageLookup?: unknown } } | undefined>
  )[OPEN_TELEMETRY_API];
  return typeof api?.context?.getAsyncLocalStorageLookup === 'function';
}

/** Below the tracing plugin's OpenTelemetry carrier, which carries Sentry's scopes too when Sentry manages it. */
export const SENTRY_CARRIER_PRIORITY = 5;

type Slots = Record<symbol, unknown>;

/** Each plugin instance keeps its requests' scopes under its own symbols, so two instances never mix. */
export class RequestScopes {
  private readonly isolationSlot = Symbol('mcpscope.sentry.isolationScope');
  private readonly scopeSlot = Symbol('mcpscope.sentry.scope');
  private readonly startSlot = Symbol('mcpscope.sentry.startIsolationScope');
  /** On an isolation scope this instance forked: the request it belongs to. */
  private readonly requestSlot = Symbol('mcpscope.sentry.request');

  /**
   * @param reporting whether Sentry reports (a client with a DSN): without one, nothing is forked.
   */
  constructor(private readonly reporting: () => boolean) {}

  /** This plugin's carrier: one `Sentry.withIsolationScope` per request, carrying core's request. */
  readonly carrier: ContextCarrier = {
    priority: SENTRY_CARRIER_PRIORITY,
    run: (request, _values, callback) => {
      if (!this.reporting()) return false;
      Sentry.withIsolationScope((isolationScope) => {
        this.adopt(request, isolationScope, Sentry.getCurrentScope());
        callback();
      });
      return true;
    },
    currentRequest: () =>
      (Sentry.getIsolationScope() as unknown as Slots)[this.requestSlot] as RequestFacts | undefined,
  };

  /** Before dispatch: asks an OpenTelemetry carrier managed by Sentry to fork the isolation scope. */
  requestFork(request: RequestFacts): void {
    (request as Slots)[this.startSlot] = Sentry.getIsolationScope();
    request.setContextValue(SENTRY_FORK_ISOLATION_SCOPE, true);
  }

  /** Runs `dispatch` in the request's own scopes: the ones a carrier forked, or fresh ones. */
  around(request: RequestFacts, dispatch: () => void): void {
    const slots = request as Slots;
    if (slots[this.isolationSlot] !== undefined) {
      dispatch();
      return;
    }
    const start = slots[this.startSlot];
    if (start !== undefined) {
      const isolationScope = Sentry.getIsolationScope();
      if (isolationScope !== start) {
        this.adopt(request, isolationScope, Sentry.getCurrentScope());
        dispatch();
        return;
      }
    }
    Sentry.withIsolationScope((isolationScope) => {
      this.adopt(request, isolationScope, Sentry.getCurrentScope());
      dispatch();
    });
  }

  private adopt(request: RequestFacts, isolationScope: Scope, scope: Scope): void {
    const slots = request as Slots;
    slots[this.isolationSlot] = isolationScope;
    slots[this.scopeSlot] = scope;
    (isolationScope as unknown as Slots)[this.requestSlot] = request;
  }

  /** Whether this instance forked scopes for the request (it observes it and Sentry reported then). */
  owns(request: RequestFacts): boolean {
    return (request as Slots)[this.isolationSlot] !== undefined;
  }

  /** Runs `capture` in the request's scopes (or fresh ones when dispatch never got them). */
  captureIn(request: RequestFacts, capture: () => void): void {
    const slots = request as Slots;
    const isolationScope = slots[this.isolationSlot] as Scope | undefined;
    const scope = slots[this.scopeSlot] as Scope | undefined;
    if (isolationScope === undefined || scope === undefined) {
      Sentry.withIsolationScope(capture);
      return;
    }
    Sentry.withIsolationScope(isolationScope, () => Sentry.withScope(scope, capture));
  }
}
