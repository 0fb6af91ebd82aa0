import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRouter, NOT_FOUND, type RouteSource } from './route-table.js';
import type { RouteRequest, RouteResponse } from './types.js';

export type NodeRouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: () => void,
) => void;

function toRouteRequest(request: IncomingMessage): RouteRequest {
  return {
    method: request.method ?? 'GET',
    url: new URL(request.url ?? '/', 'http://localhost'),
    header(name) {
      const value = request.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function write(response: ServerResponse, answer: RouteResponse, head: boolean): void {
  response.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
  response.end(head ? undefined : answer.body);
}

/**
 * The plugins' routes (`/metrics`, `/livez`, `/readyz`, ...) as a Node `(req, res)` handler for
 * node:http, or Express middleware: unknown paths call `next()` when given, else answer 404.
 */
export function nodeHandler(source: RouteSource): NodeRouteHandler {
  const route = createRouter(source);
  return (request, response, next) => {
    const routeRequest = toRouteRequest(request);
    const head = routeRequest.method === 'HEAD';
    route(routeRequest).then(
      (answer) => {
        if (answer !== undefined) write(response, answer, head);
        else if (next !== undefined) next();
        else write(response, NOT_FOUND, head);
      },
      () => write(response, { status: 500 }, head),
    );
  };
}
