import { createRouter, NOT_FOUND, type RouteSource } from './route-table.js';
import type { RouteResponse } from './types.js';

export type FetchRouteHandler = (request: Request) => Promise<Response>;

function toResponse(answer: RouteResponse, head: boolean): Response {
  const body = head || answer.body === undefined ? null : answer.body;
  return new Response(body as BodyInit | null, {
    status: answer.status,
    headers: answer.headers ?? {},
  });
}

/**
 * The plugins' routes as a fetch-style `(Request) => Promise<Response>` handler, for Hono and
 * `createMcpHandler` apps. Unknown paths answer 404.
 */
export function fetchHandler(source: RouteSource): FetchRouteHandler {
  const route = createRouter(source);
  return async (request) => {
    const head = request.method === 'HEAD';
    const answer = await route({
      method: request.method,
      url: new URL(request.url),
      header: (name) => request.headers.get(name) ?? undefined,
    });
    return toResponse(answer ?? NOT_FOUND, head);
  };
}
