/**
 * Real Streamable HTTP on 127.0.0.1: the hosting patterns users write with SDK v1 and v2 (a server per
 * session, a server per request, v2's createMcpHandler), and real SDK clients connecting to them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPClientTransport as V2ClientTransport } from '@modelcontextprotocol/client';
import { NodeStreamableHTTPServerTransport, toNodeHandler } from '@modelcontextprotocol/node';
import { SSEClientTransport as V1SseClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport as V1ClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEServerTransport as V1SseServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport as V1ServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpHandler, type McpServer as V2McpServer } from '@modelcontextprotocol/server';
import type { ExampleServer, SdkVersion } from './example-server.js';
import { type ClientIdentity, connectClient, type TestClient } from './test-client.js';

/**
 * `stateful`: a server per session; `stateless`: a server per request; `handler`: v2 createMcpHandler;
 * `sse`: SDK v1's deprecated HTTP+SSE transport (GET opens the stream, POSTs carry the messages).
 */
export type HttpMode = 'stateful' | 'stateless' | 'handler' | 'sse';

export interface HttpServerOptions {
  readonly sdk: SdkVersion;
  readonly mode: HttpMode;
  /** Builds (and usually observes) a server: once per session or per request. */
  readonly createServer: () => ExampleServer;
  /** Plays an authentication middleware: what it returns becomes the request's `auth` (the SDK's authInfo). */
  readonly authenticate?: (request: IncomingMessage) => AuthInfo | undefined;
  /** Extra routes served before MCP (e.g. core's `nodeHandler`), called with `next` for unknown paths. */
  readonly routes?: (request: IncomingMessage, response: ServerResponse, next: () => void) => void;
}

export interface AuthInfo {
  readonly token: string;
  readonly clientId: string;
  readonly scopes: string[];
}

export interface RunningHttpServer {
  /** The MCP endpoint. */
  readonly url: URL;
  readonly baseUrl: string;
  /** Sessions open right now (stateful mode). */
  readonly openSessions: number;
  close(): Promise<void>;
}

type NodeTransport = V1ServerTransport | NodeStreamableHTTPServerTransport;

function newTransport(sdk: SdkVersion, stateful: boolean, onSession: (id: string) => void): NodeTransport {
  // Without a session id generator the transport is stateless (a server per request).
  const options = stateful ? { sessionIdGenerator: () => randomUUID(), onsessioninitialized: onSession } : {};
  return sdk === 'v1' ? new V1ServerTransport(options) : new NodeStreamableHTTPServerTransport(options);
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { sdk, mode } = options;
  const sessions = new Map<string, NodeTransport>();
  const servers = new Set<ExampleServer>();
  const handler =
    mode === 'handler' ? createMcpHandler(() => options.createServer() as V2McpServer) : undefined;
  const nodeHandler = handler === undefined ? undefined : toNodeHandler(handler);

  const sseStreams = new Map<string, V1SseServerTransport>();
  const serveSse = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method === 'GET') {
      const transport = new V1SseServerTransport('/mcp/messages', response);
      const server = options.createServer();
      servers.add(server);
      sseStreams.set(transport.sessionId, transport);
      transport.onclose = () => {
        sseStreams.delete(transport.sessionId);
        servers.delete(server);
      };
      await server.connect(transport as never);
      return;
    }
    const sessionId = new URL(request.url ?? '/', 'http://localhost').searchParams.get('sessionId') ?? '';
    const transport = sseStreams.get(sessionId);
    if (transport === undefined) {
      response.writeHead(404).end();
      return;
    }
    await transport.handlePostMessage(request, response);
  };

  const serveMcp = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const auth = options.authenticate?.(request);
    if (auth !== undefined) (request as IncomingMessage & { auth?: AuthInfo }).auth = auth;
    if (nodeHandler !== undefined) {
      await nodeHandler(request as Parameters<typeof nodeHandler>[0], response);
      return;
    }
    if (mode === 'sse') {
      await serveSse(request, response);
      return;
    }
    if (mode === 'stateless') {
      const server = options.createServer();
      const transport = newTransport(sdk, false, () => undefined);
      servers.add(server);
      response.on('close', () => {
        servers.delete(server);
        void transport.close();
        void server.close();
      });
      await server.connect(transport as never);
      await transport.handleRequest(request, response);
      return;
    }
    const sessionId = request.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (transport === undefined) {
      if (typeof sessionId === 'string') {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
        );
        return;
      }
      const server = options.createServer();
      servers.add(server);
      const created = newTransport(sdk, true, (id) => sessions.set(id, created));
      created.onclose = () => {
        if (created.sessionId !== undefined) sessions.delete(created.sessionId);
        servers.delete(server);
      };
      await server.connect(created as never);
      transport = created;
    }
    await transport.handleRequest(request, response);
  };

  const http = createServer((request, response) => {
    const fail = (error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    };
    const next = () => {
      serveMcp(request, response).catch(fail);
    };
    if (options.routes !== undefined && !request.url?.startsWith('/mcp'))
      options.routes(request, response, next);
    else next();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: new URL(`${baseUrl}/mcp`),
    baseUrl,
    get openSessions() {
      return sessions.size + sseStreams.size;
    },
    async close() {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      await Promise.all([...sseStreams.values()].map((transport) => transport.close()));
      await Promise.all([...servers].map((server) => server.close()));
      await handler?.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A real SDK client over Streamable HTTP (or, with `sse`, SDK v1's HTTP+SSE transport). */
export function connectHttp(
  sdk: SdkVersion,
  url: URL,
  identity?: ClientIdentity,
  options: { sse?: boolean } = {},
): Promise<TestClient> {
  if (options.sse === true) return connectClient(sdk, new V1SseClientTransport(url), identity);
  const transport = sdk === 'v1' ? new V1ClientTransport(url) : new V2ClientTransport(url);
  return connectClient(sdk, transport, identity);
}
