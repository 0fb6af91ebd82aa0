/**
 * The server under test: one `echo` tool with a zod schema (SDK 1.x `McpServer`), with a scenario's
 * instrumentation attached before the tool is registered, as a user writes it. Served over the in-memory
 * transport pair, or over Streamable HTTP on 127.0.0.1 (stateful sessions, the SDK's default SSE response
 * mode, the body parsed before the transport gets it, as `express.json()` does in the SDK's examples).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { RunningScenario } from './scenarios.js';

export function createBenchServer(scenario: RunningScenario): McpServer {
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  scenario.attach(server);
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
}

export async function connectInMemory(
  scenario: RunningScenario,
  server: McpServer = createBenchServer(scenario),
): Promise<{ client: Client; server: McpServer }> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, server };
}

export interface HttpHost {
  readonly url: string;
  /** The servers built so far, one per session. */
  readonly servers: readonly McpServer[];
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startHttpHost(scenario: RunningScenario): Promise<HttpHost> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const servers: McpServer[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = request.method === 'POST' ? await readJson(request) : undefined;
    const sessionId = request.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing !== undefined) {
      await existing.handleRequest(request, response, body);
      return;
    }
    const server = createBenchServer(scenario);
    servers.push(server);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, body);
  }

  const http = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      process.stderr.write(`bench server: ${String(error)}\n`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    servers,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
