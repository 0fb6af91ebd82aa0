/**
 * SDK 2.x with createMcpHandler: a fresh server per request (modern 2026-07-28 clients, and 2025-era
 * clients through the stateless fallback), the same five plugin instances observing every one.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHandler, observe } from '@mcpscope/core';
import { health } from '@mcpscope/health';
import { logging } from '@mcpscope/logging';
import { metrics } from '@mcpscope/metrics';
import { sentry } from '@mcpscope/sentry';
import { tracing } from '@mcpscope/tracing';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { Registry } from 'prom-client';
import { createWeatherServer } from './weather-server.js';

export interface RunningV2Server {
  readonly url: URL;
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function startWeatherV2Server(
  options: { port?: number; host?: string } = {},
): Promise<RunningV2Server> {
  const { port = 3000, host = '127.0.0.1' } = options;

  // #region v2
  const plugins = [
    metrics({ registry: new Registry() }),
    tracing(),
    logging(),
    sentry(),
    health({ requireConnection: false }), // servers come and go per request: readiness needs no open transport
  ];
  // Servers built per request close after each exchange: flush the plugins at shutdown, not per request.
  const mcp = createMcpHandler(() => observe(createWeatherServer(), { closePlugins: false }).use(...plugins));
  const serveMcp = toNodeHandler(mcp);
  const routes = nodeHandler(plugins); // /metrics, /livez, /readyz, /healthz
  const httpServer = createServer((request, response) => {
    if (request.url?.startsWith('/mcp')) void serveMcp(request, response);
    else routes(request, response);
  });
  // #endregion v2

  await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
  const address = httpServer.address() as AddressInfo;
  const baseUrl = `http://${host}:${address.port}`;
  return {
    url: new URL(`${baseUrl}/mcp`),
    baseUrl,
    async close() {
      await mcp.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await Promise.all(plugins.map((plugin) => plugin.close?.()));
    },
  };
}
