/**
 * The user's per-request hooks, each called so that a throw or a value it may not return is reported
 * once (`MCPSCOPE_RATE_LIMIT_HOOK_FAILED` / `_HOOK_INVALID`, with the hook's option name) and the request
 * goes on as if the hook had returned nothing.
 */
import type { RequestFacts } from '@mcpscope/core';
import { RATE_LIMIT_DIAGNOSTIC_CODES as CODES } from './diagnostic-codes.js';
import { isWholeNumber, type RuleSet } from './rules.js';
import type { ClientKey, ClientKeyOption } from './types.js';

/** Reports through core's diagnostics channel, as the plugin. */
export type Report = (code: string, message: string, extra: { error?: unknown; hook?: string }) => void;

/** Calls `hook`; a throw is reported once and gives undefined. */
export function callHook<Value>(report: Report, hook: string, call: () => Value): Value | undefined {
  try {
    return call();
  } catch (error) {
    report(CODES.hookFailed, `${hook} threw; the request went on as if it had returned nothing`, {
      error,
      hook,
    });
    return undefined;
  }
}

function invalid(report: Report, hook: string, value: unknown, expected: string, fallback: string): void {
  report(CODES.hookInvalid, `${hook} returned ${describe(value)}, not ${expected}; ${fallback}`, { hook });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

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

export function clientKeyResolver(
  key: ClientKeyOption,
  report: Report,
): (request: RequestFacts) => ClientKey {
  if (key === 'session') return sessionKey;
  if (key === 'principal') return principalKey;
  if (key === 'client-name') return clientNameKey;
  if (typeof key !== 'function') {
    throw new TypeError(
      `rateLimit: key must be 'session', 'principal', 'client-name' or a function, got ${String(key)}`,
    );
  }
  return (request) => {
    const chosen = callHook(report, 'key', () => key(request));
    if (typeof chosen === 'string') return chosen;
    if (chosen !== undefined) invalid(report, 'key', chosen, 'a string', 'keyed by its session');
    return sessionKey(request);
  };
}

export function ignoreResolver(
  ignore: ((request: RequestFacts) => boolean) | undefined,
  report: Report,
): (request: RequestFacts) => boolean {
  if (ignore === undefined) return () => false;
  return (request) => callHook(report, 'ignore', () => ignore(request)) === true;
}

export function costResolver(
  cost: ((request: RequestFacts) => number | undefined) | undefined,
  report: Report,
): (request: RequestFacts) => number {
  if (cost === undefined) return () => 1;
  return (request) => {
    const value = callHook(report, 'cost', () => cost(request));
    if (value === undefined) return 1;
    if (isWholeNumber(value)) return value;
    invalid(report, 'cost', value, 'a whole number >= 1', 'it cost 1');
    return 1;
  };
}

/** The limits that apply to a request, or undefined when every rule of its set has a fixed limit. */
export function limitsFor(
  set: RuleSet,
  request: RequestFacts,
  report: Report,
): readonly number[] | undefined {
  if (set.perRequest.length === 0) return undefined;
  const limits = [...set.limits];
  for (const { index, limitOf, hook, defaultLimit } of set.perRequest) {
    const value = callHook(report, hook, () => limitOf(request));
    if (isWholeNumber(value)) limits[index] = value;
    else if (value !== undefined) {
      invalid(report, hook, value, 'a whole number >= 1', `its defaultLimit ${defaultLimit} applied`);
    }
  }
  return limits;
}
