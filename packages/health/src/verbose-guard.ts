/**
 * `?verbose` answers name every check and show their outputs (error messages, versions, memory):
 * with `bearerToken` set, they require `Authorization: Bearer <token>`. Plain probes stay open, so a
 * kubelet or load balancer needs no secret. The token is compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouteRequest, RouteResponse } from '@mcpscope/core';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export const UNAUTHORIZED: RouteResponse = {
  status: 401,
  headers: {
    'content-type': 'application/health+json',
    'cache-control': 'no-store',
    'www-authenticate': 'Bearer realm="health"',
  },
  body: '{"status":"fail","output":"verbose health requires a bearer token"}',
};

/** Whether a request may see details; always true without a token. */
export function verboseGuard(token: string | undefined): (request: RouteRequest) => boolean {
  if (token === undefined) return () => true;
  if (token === '') throw new TypeError('health(): bearerToken must not be empty.');
  const expected = digest(token);
  return (request) => {
    const header = request.header('authorization');
    const match = header === undefined ? null : /^bearer\s+(.+)$/i.exec(header.trim());
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
}
