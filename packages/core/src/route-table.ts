/** Routes contributed by plugins, resolved at request time so plugins attached later are served too. */
import { reportPluginFailure } from './diagnostics.js';
import { shared } from './shared-state.js';
import type { DiagnosticReceiver, McpscopePlugin, RouteRequest, RouteResponse } from './types.js';

/** Where routes come from: an observed endpoint, or the plugins themselves. */
export type RouteSource = object | readonly McpscopePlugin[];

function pluginsOf(source: RouteSource): readonly McpscopePlugin[] {
  if (Array.isArray(source)) return source as readonly McpscopePlugin[];
  const state = shared.endpoints.get(source);
  if (state === undefined) {
    throw new TypeError('Route handlers take an observed server (see observe()) or an array of plugins.');
  }
  return state.plugins;
}

const NOT_FOUND: RouteResponse = {
  status: 404,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: 'Not Found\n',
};

const INTERNAL_ERROR: RouteResponse = {
  status: 500,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: 'Internal Server Error\n',
};

/** Returns a function that answers one route request; `undefined` means no plugin serves the path. */
export function createRouter(
  source: RouteSource,
): (request: RouteRequest) => Promise<RouteResponse | undefined> {
  const plugins = pluginsOf(source);
  const receiver: DiagnosticReceiver | undefined = Array.isArray(source)
    ? undefined
    : shared.endpoints.get(source)?.receiver;
  return async (request) => {
    const path = request.url.pathname;
    for (const plugin of plugins) {
      const handler = plugin.routes?.[path];
      if (handler === undefined || !Object.hasOwn(plugin.routes!, path)) continue;
      try {
        return await handler(request);
      } catch (error) {
        reportPluginFailure(plugin, `route ${path}`, error, receiver);
        return INTERNAL_ERROR;
      }
    }
    return undefined;
  };
}

export { NOT_FOUND };
