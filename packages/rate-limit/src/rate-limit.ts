import type { RequestFacts } from '@mcpscope/core';
import {
  PLUGIN_NAME,
  rateLimitedError,
  UNAVAILABLE_ERROR,
  UNAVAILABLE_RETRY_AFTER_MS,
  writeStoreErrorToStderr,
} from './errors.js';
import { memoryStore } from './memory-store.js';
import { RECENT_SECONDS, RecentCounts } from './recent-counts.js';
import { DEFAULT_WINDOW_MS, type RuleSet, resolveRules } from './rules.js';
import type {
  ClientKey,
  ClientKeyOption,
  RateLimitClock,
  RateLimiter,
  RateLimitOptions,
  RateLimitReason,
  RateLimitRule,
  RateLimitScope,
  RefusalCheckOptions,
  RefusalCheckResult,
  RuleOptions,
  StoreRefusal,
} from './types.js';

const DEFAULT_CLIENT_RULE: RuleOptions = { limit: 100, windowMs: DEFAULT_WINDOW_MS };

const SYSTEM_CLOCK: RateLimitClock = {
  now: Date.now,
  setTimeout: (callback, delayMs) => {
    setTimeout(callback, delayMs);
  },
};

const REFUSALS: Readonly<Record<RateLimitScope, { plugin: string; reason: RateLimitReason; scope: string }>> =
  {
    global: { plugin: PLUGIN_NAME, reason: 'rate_limited', scope: 'global' },
    client: { plugin: PLUGIN_NAME, reason: 'rate_limited', scope: 'client' },
    tool: { plugin: PLUGIN_NAME, reason: 'rate_limited', scope: 'tool' },
    method: { plugin: PLUGIN_NAME, reason: 'rate_limited', scope: 'method' },
  };

const UNAVAILABLE_REFUSAL = { plugin: PLUGIN_NAME, reason: 'rate_limit_unavailable' } as const;

function sessionKey(request: RequestFacts): ClientKey {
  const { session } = request;
  return session.id ?? session;
}

function clientNameKey(request: RequestFacts): ClientKey {
  return request.session.clientName ?? sessionKey(request);
}

function principalKey(request: RequestFacts): ClientKey {
  return request.auth?.clientId ?? sessionKey(request);
}

function clientKeyResolver(key: ClientKeyOption): (request: RequestFacts) => ClientKey {
  if (key === 'session') return sessionKey;
  if (key === 'principal') return principalKey;
  if (key === 'client-name') return clientNameKey;
  if (typeof key !== 'function') {
    throw new TypeError(
      `rateLimit: key must be 'session', 'principal', 'client-name' or a function, got ${String(key)}`,
    );
  }
  return (request) => {
    const chosen = key(request);
    return typeof chosen === 'string' ? chosen : sessionKey(request);
  };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * Rate limits for an MCP server: `server.use(rateLimit({ client: { limit: 100, windowMs: 60_000 } }))`.
 * A refused request is answered with JSON-RPC error -32029 (`data.retryAfterMs` says when to retry) and
 * ends with its `refusal` set, so metrics, logs, spans and Sentry all see it.
 */
export function rateLimit(options: RateLimitOptions = {}): RateLimiter {
  const {
    client = DEFAULT_CLIENT_RULE,
    global = false,
    tools = {},
    methods = {},
    algorithm = 'token-bucket',
    key = 'session',
    skip,
    maxWaitMs = 0,
    store = memoryStore(),
    failOpen = true,
    onStoreError,
    onRefusal,
    clock = SYSTEM_CLOCK,
  } = options;

  const { all, defaultSet, byMethod, byTool } = resolveRules(client, global, tools, methods, algorithm);
  const clientKeyOf = clientKeyResolver(key);
  const hasToolRules = byTool.size > 0;
  if (typeof maxWaitMs !== 'number' || !(maxWaitMs >= 0)) {
    throw new TypeError(`rateLimit: maxWaitMs must be a number >= 0, got ${String(maxWaitMs)}`);
  }

  const recent = new RecentCounts();
  const refusedByScope: Record<RateLimitScope, number> = { global: 0, client: 0, tool: 0, method: 0 };
  let allowed = 0;
  let refusedUnavailable = 0;
  let waited = 0;
  let storeErrors = 0;
  let storeFailing = false;

  const ruleSetFor = (request: RequestFacts): RuleSet => {
    const { method } = request;
    if (hasToolRules && method === 'tools/call') {
      const { target } = request;
      if (target !== undefined) {
        const set = byTool.get(target);
        if (set !== undefined) return set;
      }
    }
    return byMethod.get(method) ?? defaultSet;
  };

  const reportStoreError = (error: unknown): void => {
    storeErrors++;
    if (storeFailing) return;
    storeFailing = true;
    try {
      if (onStoreError === undefined) writeStoreErrorToStderr(error, failOpen);
      else onStoreError(error);
    } catch {
      // A failing reporter has nowhere left to report to.
    }
  };

  const notifyRefusal = (
    request: RequestFacts,
    reason: RateLimitReason,
    rule: RateLimitRule | undefined,
    retryAfterMs: number,
  ): void => {
    if (onRefusal === undefined) return;
    try {
      onRefusal({ request, reason, scope: rule?.scope, rule, retryAfterMs });
    } catch {
      // The user's callback never changes the answer already sent.
    }
  };

  const allow = (dispatch: () => void, now: number, afterWaiting: boolean): void => {
    allowed++;
    if (afterWaiting) waited++;
    recent.record(now, false);
    dispatch();
  };

  const refuse = (request: RequestFacts, rule: RateLimitRule, retryAfterMs: number, now: number): void => {
    refusedByScope[rule.scope]++;
    recent.record(now, true);
    request.refuse(rateLimitedError(rule, retryAfterMs), REFUSALS[rule.scope]);
    notifyRefusal(request, 'rate_limited', rule, retryAfterMs);
  };

  const storeFailed = (request: RequestFacts, dispatch: () => void, error: unknown, now: number): void => {
    reportStoreError(error);
    if (request.ended) return;
    if (failOpen) {
      allow(dispatch, now, false);
      return;
    }
    refusedUnavailable++;
    recent.record(now, true);
    request.refuse(UNAVAILABLE_ERROR, UNAVAILABLE_REFUSAL);
    notifyRefusal(request, 'rate_limit_unavailable', undefined, UNAVAILABLE_RETRY_AFTER_MS);
  };

  // Forward declaration: `settle` schedules `attempt` again when the request may wait.
  let attempt: (
    request: RequestFacts,
    dispatch: () => void,
    set: RuleSet,
    client: ClientKey | undefined,
    startedAt: number,
    now: number,
    afterWaiting: boolean,
  ) => void;

  const settle = (
    request: RequestFacts,
    dispatch: () => void,
    set: RuleSet,
    client: ClientKey | undefined,
    startedAt: number,
    afterWaiting: boolean,
    verdict: StoreRefusal | undefined,
    now: number,
  ): void => {
    storeFailing = false;
    if (verdict === undefined) {
      allow(dispatch, now, afterWaiting);
      return;
    }
    const { retryAfterMs } = verdict;
    if (maxWaitMs > 0 && now - startedAt + retryAfterMs <= maxWaitMs) {
      clock.setTimeout(() => {
        // Cancelled or closed while waiting: nothing is counted and nothing is sent.
        if (!request.ended) attempt(request, dispatch, set, client, startedAt, clock.now(), true);
      }, retryAfterMs);
      return;
    }
    refuse(request, set.rules[verdict.rule]!, retryAfterMs, now);
  };

  attempt = (request, dispatch, set, client, startedAt, now, afterWaiting) => {
    let result: StoreRefusal | undefined | Promise<StoreRefusal | undefined>;
    try {
      result = store.consume(set.rules, client, now);
    } catch (error) {
      storeFailed(request, dispatch, error, now);
      return;
    }
    if (!isPromise(result)) {
      settle(request, dispatch, set, client, startedAt, afterWaiting, result, now);
      return;
    }
    result.then(
      (verdict) => {
        if (!request.ended)
          settle(request, dispatch, set, client, startedAt, afterWaiting, verdict, clock.now());
        else storeFailing = false;
      },
      (error: unknown) => storeFailed(request, dispatch, error, clock.now()),
    );
  };

  const totals = (windowMs: number) => recent.totals(clock.now(), windowMs);

  const check = (checkOptions: RefusalCheckOptions = {}): (() => RefusalCheckResult) => {
    const { windowMs = RECENT_SECONDS * 1000, warn = 10, fail, minRequests = 10 } = checkOptions;
    return () => {
      const counts = totals(windowMs);
      const total = counts.allowed + counts.refused;
      const percent = total === 0 ? 0 : Math.round((counts.refused / total) * 10_000) / 100;
      let status: RefusalCheckResult['status'] = 'pass';
      if (total >= minRequests) {
        if (fail !== undefined && percent >= fail) status = 'fail';
        else if (percent >= warn) status = 'warn';
      }
      const result = {
        status,
        observedValue: percent,
        observedUnit: '%',
        componentType: 'component',
      } as const;
      if (status === 'pass') return result;
      const seconds = Math.min(RECENT_SECONDS, Math.max(1, Math.round(windowMs / 1000)));
      return {
        ...result,
        output: `${counts.refused} of ${total} requests refused in the last ${seconds} s (${percent}%)`,
      };
    };
  };

  return {
    name: PLUGIN_NAME,
    rules: all,
    aroundRequest(request, dispatch) {
      const set = ruleSetFor(request);
      if (set.rules.length === 0 || skip?.(request) === true) {
        dispatch();
        return;
      }
      const clientKey = set.perClient ? clientKeyOf(request) : undefined;
      const now = clock.now();
      attempt(request, dispatch, set, clientKey, now, now, false);
    },
    stats() {
      let refused = refusedUnavailable;
      for (const count of Object.values(refusedByScope)) refused += count;
      return {
        allowed,
        refused,
        refusedByScope: { ...refusedByScope },
        refusedUnavailable,
        waited,
        storeErrors,
        storeFailing,
      };
    },
    refusalRate(windowMs = RECENT_SECONDS * 1000) {
      const counts = totals(windowMs);
      const total = counts.allowed + counts.refused;
      return total === 0 ? 0 : counts.refused / total;
    },
    check,
  };
}
