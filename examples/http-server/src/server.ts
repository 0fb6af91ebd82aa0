/** The weather MCP server over Streamable HTTP on node:http: a server per session, routes beside /mcp. */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHandler, observe } from '@mcpscope/core';
import { createWeatherServer } from '@mcpscope/example-weather';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { plugins } from './plugins.js';

export interface RunningWeatherServer {
  /** The MCP endpoint. */
  readonly url: URL;
  /** Where /metrics, /livez, /readyz and /healthz are served. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function startWeatherHttpServer(
  options: { port?: number; host?: string } = {},
): Promise<RunningWeatherServer> {
  const { port = 3000, host = '127.0.0.1' } = options;

  // #region http
  const routes = nodeHandler([...plugins]); // /metrics, /livez, /readyz, /healthz
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  async function handleMcp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const sessionId = request.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (transport === undefined && typeof sessionId === 'string') {
      response.writeHead(404).end(); // an unknown or expired session: the client starts a new one
      return;
    }
    if (transport === undefined) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => void sessions.set(id, created),
      });
      created.onclose = () => void (created.sessionId && sessions.delete(created.sessionId));
      // A server per session; the same five plugin instances observe all of them.
      await observe(createWeatherServer())
        .use(...plugins)
        .connect(created);
      transport = created;
    }
    await transport.handleRequest(request, response);
  }

  const httpServer = createServer((request, response) => {
    if (request.url?.startsWith('/mcp')) handleMcp(request, response).catch(() => response.destroy());
    else routes(request, response);
  });
  // #endregion http

  await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
  const address = httpServer.address() as AddressInfo;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url: new URL(`${baseUrl}/mcp`),
    baseUrl,
    async close() {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
