/**
 * The JSON-RPC errors of refused requests, with core's `REFUSAL_ERROR_CODES.rateLimited` (-32029).
 */
import { type JsonRpcErrorObject, REFUSAL_ERROR_CODES } from '@mcpscope/core';
import type { RateLimitRule } from './types.js';

export const PLUGIN_NAME = 'rate-limit';

/** How long a client refused because the store failed is told to wait. */
export const UNAVAILABLE_RETRY_AFTER_MS = 1_000;

export function defaultMessage(rule: RateLimitRule, retryAfterMs: number): string {
  return `Rate limit exceeded (${rule.scope}): retry after ${retryAfterMs} ms`;
}

export function rateLimitedError(
  rule: RateLimitRule,
  limit: number,
  cost: number,
  retryAfterMs: number,
  message: string,
): JsonRpcErrorObject {
  const data: Record<string, unknown> = {
    reason: 'rate_limited',
    scope: rule.scope,
    limit,
    windowMs: rule.windowMs,
    retryAfterMs,
  };
  if (rule.scope === 'tool') data.tool = rule.target;
  else if (rule.scope === 'method') data.method = rule.target;
  if (cost !== 1) data.cost = cost;
  return { code: REFUSAL_ERROR_CODES.rateLimited, message, data };
}

export const UNAVAILABLE_ERROR: JsonRpcErrorObject = {
  code: REFUSAL_ERROR_CODES.rateLimited,
  message: 'Rate limit unavailable: retry later',
  data: { reason: 'rate_limit_unavailable', retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS },
};
