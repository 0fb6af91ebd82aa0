/**
 * The JSON-RPC error of a refused request. The code is in the range JSON-RPC leaves to implementations
 * (-32000 to -32099), away from the codes the MCP SDKs use (-32000, -32001, -32002, -32020 to -32022,
 * -32042) and from @mcpscope/health's (-32050, -32051); its last digits recall HTTP 429.
 */
import type { JsonRpcErrorObject } from '@mcpscope/core';
import type { RateLimitRule } from './types.js';

export const RATE_LIMITED_ERROR_CODE = -32029;

export const PLUGIN_NAME = 'rate-limit';

/** How long a client refused because the store failed is told to wait. */
export const UNAVAILABLE_RETRY_AFTER_MS = 1_000;

export function rateLimitedError(rule: RateLimitRule, retryAfterMs: number): JsonRpcErrorObject {
  const data: Record<string, unknown> = {
    reason: 'rate_limited',
    scope: rule.scope,
    limit: rule.limit,
    windowMs: rule.windowMs,
    retryAfterMs,
  };
  if (rule.scope === 'tool') data.tool = rule.target;
  else if (rule.scope === 'method') data.method = rule.target;
  return {
    code: RATE_LIMITED_ERROR_CODE,
    message: `Rate limit exceeded (${rule.scope}): retry after ${retryAfterMs} ms`,
    data,
  };
}

export const UNAVAILABLE_ERROR: JsonRpcErrorObject = {
  code: RATE_LIMITED_ERROR_CODE,
  message: 'Rate limit unavailable: retry later',
  data: { reason: 'rate_limit_unavailable', retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS },
};

export function writeStoreErrorToStderr(error: unknown, failOpen: boolean): void {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `[mcpscope] rate-limit store failed: ${reason} (requests are ${failOpen ? 'allowed' : 'refused'} ` +
      'until it answers again; later failures of this outage are not reported)\n',
  );
}
