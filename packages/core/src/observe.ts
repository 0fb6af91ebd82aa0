import { CORE_DIAGNOSTIC_CODES, CORE_PLUGIN, reportDiagnostic } from './diagnostics.js';
import { closePlugin, DEFAULT_CLOSE_TIMEOUT_MS, EndpointState } from './endpoint-state.js';
import { endpointShapeOf } from './sdk-shape.js';
import { shared } from './shared-state.js';
import { type ListenAddress, startSideListener } from './side-listener.js';
import type { EndpointFacts, McpscopePlugin, ObservedEndpoint, ObserveOptions } from './types.js';

/**
 * Observes an MCP server (v1 `McpServer`/`Server` from @modelcontextprotocol/sdk, or v2 from
 * @modelcontextprotocol/server) or an MCP `Client` (either SDK), and returns the same instance with
 * `use(...plugins)` added. Calling it again on the same instance returns it unchanged; options are read
 * on the first call.
 */
export function observe<Endpoint extends object>(
  endpoint: Endpoint,
  options: ObserveOptions = {},
): ObservedEndpoint<Endpoint> {
  if (shared.endpoints.has(endpoint)) return endpoint as ObservedEndpoint<Endpoint>;
  const state = new EndpointState(endpoint, endpointShapeOf(endpoint), options);
  shared.endpoints.set(endpoint, state);
  const observed = endpoint as ObservedEndpoint<Endpoint>;
  Object.defineProperty(endpoint, 'use', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function use(...plugins: McpscopePlugin[]): ObservedEndpoint<Endpoint> {
      state.attach(plugins);
      return observed;
    },
  });
  state.install();
  if (options.listen !== undefined) {
    state.sideListener = startSideListener(endpoint, options.listen, (error) =>
      reportDiagnostic(
        CORE_PLUGIN,
        {
          code: CORE_DIAGNOSTIC_CODES.sideListenerFailed,
          message: `the side listener on port ${options.listen?.port} failed`,
          error,
        },
        options.onDiagnostic,
      ),
    );
  }
  return observed;
}

/** What core knows about an observed endpoint (in-flight requests, connections), or undefined. */
export function endpointFacts(endpoint: object): EndpointFacts | undefined {
  return shared.endpoints.get(endpoint);
}

/**
 * Flushes every plugin attached to an observed endpoint (each within its `closeTimeoutMs`), whether or
 * not `close()` would: for servers observed with `closePlugins: false`, and for graceful shutdown. Given
 * plugins instead of an endpoint, flushes them (each within `timeoutMs`) without any server at hand.
 */
export function flushPlugins(
  source: object | readonly McpscopePlugin[],
  timeoutMs: number = DEFAULT_CLOSE_TIMEOUT_MS,
): Promise<void> {
  if (Array.isArray(source)) {
    const plugins = source as readonly McpscopePlugin[];
    return Promise.all(
      plugins
        .filter((plugin) => typeof plugin?.close === 'function')
        .map((plugin) => closePlugin(plugin, timeoutMs, undefined)),
    ).then(() => undefined);
  }
  const state = shared.endpoints.get(source);
  return state === undefined ? Promise.resolve() : state.flush();
}

/** The address of the side listener started by `observe(server, { listen })`, once it listens. */
export function sideListenerAddress(endpoint: object): Promise<ListenAddress> {
  const listener = shared.endpoints.get(endpoint)?.sideListener;
  if (listener === undefined) {
    return Promise.reject(new Error('This server was not observed with a `listen` option.'));
  }
  return listener.ready;
}
