import type { RequestFacts } from '@mcpscope/core';

export type DefaultLevel = 'info' | 'warn' | 'error';

/**
 * The default level of a request's line, from whose business the failure is (`request.errorSide`):
 * the server's failures at `error`; the client's mistakes and the tool's own error results at `warn`;
 * refusals at `warn` whoever's side (a rate limit is the client's; draining and overload are the
 * server's deliberate answers, not failures); a transport that closed first or a slow request at `warn`.
 */
export function defaultLevel(request: RequestFacts, slow: boolean): DefaultLevel {
  if (request.refusal !== undefined) return 'warn';
  switch (request.errorSide) {
    case 'server':
      return 'error';
    case 'client':
    case 'tool':
      return 'warn';
    default:
      return request.outcome === 'closed' || slow ? 'warn' : 'info';
  }
}
