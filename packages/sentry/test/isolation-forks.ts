/**
 * Counts the isolation scopes Sentry forks: wraps the `withIsolationScope` of Sentry's async context
 * strategy (the one `Sentry.init` installed, kept under `globalThis.__SENTRY__[version].acs`). Forks made
 * by OpenTelemetry's context manager when Sentry manages it do not go through it.
 */
import * as Sentry from '@sentry/node';

interface Strategy {
  withIsolationScope<T>(callback: (scope: unknown) => T): T;
}

export interface ForkCounter {
  readonly count: number;
  reset(): void;
  restore(): void;
}

export function countIsolationForks(): ForkCounter {
  const carrier = (globalThis as { __SENTRY__?: Record<string, { acs?: Strategy }> }).__SENTRY__;
  const strategy = carrier?.[Sentry.SDK_VERSION]?.acs;
  if (strategy === undefined) throw new Error('Sentry.init has not installed an async context strategy');
  const original = strategy.withIsolationScope;
  let count = 0;
  strategy.withIsolationScope = ((callback: (scope: unknown) => unknown) => {
    count++;
    return original.call(strategy, callback);
  }) as Strategy['withIsolationScope'];
  return {
    get count() {
      return count;
    },
    reset: () => {
      count = 0;
    },
    restore: () => {
      strategy.withIsolationScope = original;
    },
  };
}
