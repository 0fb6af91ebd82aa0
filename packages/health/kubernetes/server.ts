/**
 * The server the manifest runs: an MCP server over Streamable HTTP (a server per session) with the
 * health routes on the same port, configured from the manifest's environment.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHandler, observe } from '@mcpscope/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
// In your app: import { health } from '@mcpscope/health';
import { health } from '../src/index.js';

const setting = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const closeTimeoutMs = setting('CLOSE_TIMEOUT_MS', 5_000);

const probes = health({
  checkTimeoutMs: 500,
  shutdown: {
    delayMs: setting('SHUTDOWN_DELAY_MS', 5_000),
    timeoutMs: setting('DRAIN_TIMEOUT_MS', 25_000),
    closeTimeoutMs,
    onShutdown: () => {
      http.closeAllConnections();
      http.close();
    },
  },
});

function createMcpServer() {
  const server = observe(new McpServer({ name: 'weather', version: '1.0.0' }), { closeTimeoutMs });
  server.use(probes);
  server.registerTool('forecast', { inputSchema: { city: z.string() } }, async ({ city }) => ({
    content: [{ type: 'text', text: `Sunny in ${city}` }],
  }));
  return server;
}

const routes = nodeHandler([probes]);
const sessions = new Map<string, StreamableHTTPServerTransport>();

const http = createServer(async (request, response) => {
  if (!request.url?.startsWith('/mcp')) return routes(request, response);
  const sessionId = request.headers['mcp-session-id'];
  let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
  if (transport === undefined && typeof sessionId === 'string') {
    response.writeHead(404).end();
    return;
  }
  if (transport === undefined) {
    const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, created);
      },
    });
    created.onclose = () => {
      if (created.sessionId !== undefined) sessions.delete(created.sessionId);
    };
    await createMcpServer().connect(created);
    transport = created;
  }
  await transport.handleRequest(request, response);
});

http.listen(setting('PORT', 3000), () => {
  const { port } = http.address() as AddressInfo;
  process.stderr.write(`weather-mcp listening on http://127.0.0.1:${port}\n`);
});
