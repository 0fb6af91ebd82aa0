import { clearDiagnostic, type RequestFacts, reportDiagnostic } from '@mcpscope/core';
import { RATE_LIMIT_DIAGNOSTIC_CODES as CODES } from './diagnostic-codes.js';
import {
  defaultMessage,
  PLUGIN_NAME,
  rateLimitedError,
  UNAVAILABLE_ERROR,
  UNAVAILABLE_RETRY_AFTER_MS,
} from './errors.js';
import { memoryStore } from './memory-store.js';
import { RECENT_SECONDS, RecentCounts } from './recent-counts.js';
import { DEFAULT_WINDOW_MS, type RuleSet, resolveRules } from './rules.js';
import type {
  ClientKey,
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
import {
  callHook,
  clientKeyResolver,
  costResolver,
  ignoreResolver,
  limitsFor,
  type Report,
} from './user-hooks.js';

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

/** One request on its way through the limiter (it may wait and try again). */
interface Attempt {
  readonly request: RequestFacts;
  readonly dispatch: () => void;
  readonly set: RuleSet;
  readonly client: ClientKey | undefined;
  readonly cost: number;
  readonly limits: readonly number[] | undefined;
  readonly startedAt: number;
  afterWaiting: boolean;
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
    ignore,
    cost,
    message,
    maxWaitMs = 0,
    store = memoryStore(),
    failOpen = true,
    onRefusal,
    clock = SYSTEM_CLOCK,
  } = options;

  const report: Report = (code, text, extra) => reportDiagnostic(limiter, { code, message: text, ...extra });
  const { all, defaultSet, byMethod, byTool } = resolveRules(client, global, tools, methods, algorithm);
  const clientKeyOf = clientKeyResolver(key, report);
  const isIgnored = ignoreResolver(ignore, report);
  const costOf = costResolver(cost, report);
  if (typeof maxWaitMs !== 'number' || !(maxWaitMs >= 0)) {
    throw new TypeError(`rateLimit: maxWaitMs must be a number >= 0, got ${String(maxWaitMs)}`);
  }
  if (message !== undefined && typeof message !== 'string' && typeof message !== 'function') {
    throw new TypeError(`rateLimit: message must be a string or a function, got ${String(message)}`);
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
    // A tools/call without a name has no target, and no tool's rules are keyed undefined.
    const toolSet = method === 'tools/call' ? byTool.get(request.target) : undefined;
    return toolSet ?? byMethod.get(method) ?? defaultSet;
  };

  const messageFor = (request: RequestFacts, rule: RateLimitRule, limit: number, retryAfterMs: number) => {
    if (typeof message === 'string') return message;
    if (message !== undefined) {
      const worded = callHook(report, 'message', () => message(request, rule, { limit, retryAfterMs }));
      if (typeof worded === 'string') return worded;
      if (worded !== undefined) {
        report(CODES.hookInvalid, `message returned ${String(worded)}, not a string; the default was sent`, {
          hook: 'message',
        });
      }
    }
    return defaultMessage(rule, retryAfterMs);
  };

  const storeAnswered = (): void => {
    if (!storeFailing) return;
    storeFailing = false;
    clearDiagnostic(limiter, CODES.storeFailed);
  };

  const notifyRefusal = (
    attempt: Attempt,
    reason: RateLimitReason,
    rule: RateLimitRule | undefined,
    limit: number | undefined,
    retryAfterMs: number,
  ): void => {
    if (onRefusal === undefined) return;
    const { request, cost: units } = attempt;
    callHook(report, 'onRefusal', () =>
      onRefusal({ request, reason, scope: rule?.scope, rule, limit, cost: units, retryAfterMs }),
    );
  };

  const allow = (attempt: Attempt, now: number): void => {
    allowed++;
    if (attempt.afterWaiting) waited++;
    recent.record(now, false);
    attempt.dispatch();
  };

  const refuse = (attempt: Attempt, index: number, retryAfterMs: number, now: number): void => {
    const { request, set, limits } = attempt;
    const rule = set.rules[index]!;
    const limit = limits?.[index] ?? rule.limit;
    refusedByScope[rule.scope]++;
    recent.record(now, true);
    const text = messageFor(request, rule, limit, retryAfterMs);
    request.refuse(rateLimitedError(rule, limit, attempt.cost, retryAfterMs, text), REFUSALS[rule.scope]);
    notifyRefusal(attempt, 'rate_limited', rule, limit, retryAfterMs);
  };

  const storeFailed = (attempt: Attempt, error: unknown, now: number): void => {
    storeErrors++;
    storeFailing = true;
    // Core reports a code once until storeAnswered clears it: once per outage.
    report(
      CODES.storeFailed,
      `store failed (requests are ${failOpen ? 'allowed' : 'refused'} until it answers again; ` +
        'later failures of this outage are not reported)',
      { error },
    );
    if (attempt.request.ended) return;
    if (failOpen) {
      allow(attempt, now);
      return;
    }
    refusedUnavailable++;
    recent.record(now, true);
    attempt.request.refuse(UNAVAILABLE_ERROR, UNAVAILABLE_REFUSAL);
    notifyRefusal(attempt, 'rate_limit_unavailable', undefined, undefined, UNAVAILABLE_RETRY_AFTER_MS);
  };

  const settle = (attempt: Attempt, verdict: StoreRefusal | undefined, now: number): void => {
    storeAnswered();
    if (verdict === undefined) {
      allow(attempt, now);
      return;
    }
    const { retryAfterMs } = verdict;
    if (maxWaitMs > 0 && now - attempt.startedAt + retryAfterMs <= maxWaitMs) {
      clock.setTimeout(() => {
        // Cancelled or closed while waiting: nothing is counted and nothing is sent.
        if (attempt.request.ended) return;
        attempt.afterWaiting = true;
        run(attempt, clock.now());
      }, retryAfterMs);
      return;
    }
    refuse(attempt, verdict.rule, retryAfterMs, now);
  };

  const run = (attempt: Attempt, now: number): void => {
    let result: StoreRefusal | undefined | Promise<StoreRefusal | undefined>;
    try {
      result = store.consume(attempt.set.rules, attempt.client, now, attempt.cost, attempt.limits);
    } catch (error) {
      storeFailed(attempt, error, now);
      return;
    }
    if (!isPromise(result)) {
      settle(attempt, result, now);
      return;
    }
    result.then(
      (verdict) => {
        if (!attempt.request.ended) settle(attempt, verdict, clock.now());
        else storeAnswered();
      },
      (error: unknown) => storeFailed(attempt, error, clock.now()),
    );
  };

  const totals = (windowMs: number) => recent.totals(clock.now(), windowMs);

  const check = (checkOptions: RefusalCheckOptions = {}): (() => RefusalCheckResult) => {
    const {
      windowMs = RECENT_SECONDS * 1000,
      warn = 10,
      fail = Number.POSITIVE_INFINITY,
      minRequests = 10,
    } = checkOptions;
    return () => {
      const counts = totals(windowMs);
      const total = counts.allowed + counts.refused;
      const percent = total === 0 ? 0 : Math.round((counts.refused / total) * 10_000) / 100;
      let status: RefusalCheckResult['status'] = 'pass';
      if (total >= minRequests) {
        if (percent >= fail) status = 'fail';
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

  const limiter: RateLimiter = {
    name: PLUGIN_NAME,
    rules: all,
    aroundRequest(request, dispatch) {
      const set = ruleSetFor(request);
      if (set.rules.length === 0 || isIgnored(request)) {
        dispatch();
        return;
      }
      const now = clock.now();
      run(
        {
          request,
          dispatch,
          set,
          client: set.perClient ? clientKeyOf(request) : undefined,
          cost: costOf(request),
          limits: limitsFor(set, request, report),
          startedAt: now,
          afterWaiting: false,
        },
        now,
      );
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
  return limiter;
}
