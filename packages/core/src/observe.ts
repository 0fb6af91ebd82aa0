import { CORE_PLUGIN, reportFailure } from './plugin-hooks.js';
import { serverShapeOf } from './sdk-shape.js';
import { registerState, stateOf } from './server-registry.js';
import { ServerState } from './server-state.js';
import { type ListenAddress, startSideListener } from './side-listener.js';
import type { McpscopePlugin, ObservedServer, ObserveOptions, ServerFacts } from './types.js';

/**
 * Observes an MCP server (v1 `McpServer`/`Server` from @modelcontextprotocol/sdk, or v2 from
 * @modelcontextprotocol/server) and returns the same instance with `use(...plugins)` added. Calling it
 * again on the same server returns it unchanged; options are read on the first call.
 */
export function observe<Server extends object>(
  server: Server,
  options: ObserveOptions = {},
): ObservedServer<Server> {
  if (stateOf(server) !== undefined) return server as ObservedServer<Server>;
  const state = new ServerState(server, serverShapeOf(server), options);
  registerState(server, state);
  const observed = server as ObservedServer<Server>;
  Object.defineProperty(server, 'use', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function use(...plugins: McpscopePlugin[]): ObservedServer<Server> {
      state.attach(plugins);
      return observed;
    },
  });
  state.install();
  if (options.listen !== undefined) {
    state.sideListener = startSideListener(server, options.listen, (error) =>
      reportFailure(state.reporter, CORE_PLUGIN, 'side listener', error),
    );
  }
  return observed;
}

/** What core knows about an observed server (in-flight requests, connections), or undefined. */
export function serverFacts(server: object): ServerFacts | undefined {
  return stateOf(server);
}

/**
 * Flushes every plugin attached to an observed server (each within `closeTimeoutMs`), whether or not
 * `server.close()` would: for servers observed with `closePlugins: false`, and for graceful shutdown.
 */
export function flushPlugins(server: object): Promise<void> {
  const state = stateOf(server);
  return state === undefined ? Promise.resolve() : state.flush();
}

/** The address of the side listener started by `observe(server, { listen })`, once it listens. */
export function sideListenerAddress(server: object): Promise<ListenAddress> {
  const listener = stateOf(server)?.sideListener;
  if (listener === undefined) {
    return Promise.reject(new Error('This server was not observed with a `listen` option.'));
  }
  return listener.ready;
}
