/** Small plugins and server additions the tests attach next to metrics(). */
import type { McpscopePlugin } from '@mcpscope/core';
import type { ExampleServer } from '@mcpscope/test-kit';

/** Refuses every tools/call of `tool`, the way a rate-limit plugin does. */
export function refusingPlugin(tool: string): McpscopePlugin {
  return {
    name: 'test-limiter',
    aroundRequest(request, dispatch) {
      if (request.method === 'tools/call' && request.target === tool) {
        request.refuse(
          { code: -32000, message: 'Too many requests' },
          { plugin: 'test-limiter', reason: 'rate_limited', scope: 'tool' },
        );
        return;
      }
      dispatch();
    },
  };
}

interface LowLevelServer {
  ping(): Promise<unknown>;
  sendLoggingMessage(params: { level: string; data: unknown }): Promise<void>;
}

interface Registrar {
  readonly server: LowLevelServer;
  registerTool(name: string, config: { description: string }, handler: () => Promise<unknown>): unknown;
}

/** Adds `ping_client`: pings the client (a server-to-client request) and logs one message to it. */
export function addPingClientTool(server: ExampleServer): void {
  const registrar = server as unknown as Registrar;
  registrar.registerTool('ping_client', { description: 'Pings the client' }, async () => {
    await registrar.server.ping();
    await registrar.server.sendLoggingMessage({ level: 'info', data: 'pinged' });
    return { content: [{ type: 'text', text: 'pong' }] };
  });
}
