/**
 * A multi-tenant MCP server (SDK 1.x) over Streamable HTTP, a server per request: clients name their
 * tenant in each request's `_meta` (`{ 'example.com/tenant': 'acme' }`), and the plugins of
 * `tenantPlugins` record it on every signal and limit each tenant by its plan.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DiagnosticReceiver, nodeHandler, observe } from '@mcpscope/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { type TenantPluginOptions, type TenantPlugins, tenantPlugins } from './plugins.js';

export { DEFAULT_PLAN, NOISY_TENANT, PLANS, REPORT_COST, tenantPlugins } from './plugins.js';
export { TENANT_META_KEY, tenantOf } from './tenant.js';

export const EXPLODE_MESSAGE = 'the report engine crashed';

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

/** The bare MCP server: a cheap lookup, an expensive report, and a tool that throws. */
export function createTenantMcpServer(): McpServer {
  const server = new McpServer({ name: 'tenant-example', version: '1.0.0' });
  server.registerTool(
    'lookup',
    { description: 'Looks a customer up', inputSchema: { id: z.string() } },
    async ({ id }) => text(`customer ${id}: active`),
  );
  server.registerTool(
    'generate_report',
    {
      description: 'A monthly report (expensive: it costs 5 request units)',
      inputSchema: { month: z.string() },
    },
    async ({ month }) => text(`report for ${month}: 42 orders`),
  );
  server.registerTool('explode', { description: 'Always fails' }, async () => {
    throw new Error(EXPLODE_MESSAGE);
  });
  return server;
}

export interface RunningTenantServer {
  /** The MCP endpoint. */
  readonly url: URL;
  /** Where /metrics, /livez, /readyz and /healthz are served. */
  readonly baseUrl: string;
  readonly plugins: TenantPlugins;
  /** Stops the HTTP server, then flushes and disposes of the plugins. */
  close(): Promise<void>;
}

export interface TenantServerOptions extends TenantPluginOptions {
  readonly port?: number;
  readonly host?: string;
  /** Receives the diagnostics of core and of the plugins. @default one line on stderr */
  readonly onDiagnostic?: DiagnosticReceiver;
}

export async function startTenantServer(options: TenantServerOptions = {}): Promise<RunningTenantServer> {
  const { port = 3000, host = '127.0.0.1', onDiagnostic } = options;
  const plugins = tenantPlugins(options);

  // #region http
  const routes = nodeHandler([...plugins.all]); // /metrics, /livez, /readyz, /healthz
  async function handleMcp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A server per request (stateless): the tenant travels in each request's _meta, not in a session.
    const server = observe(createTenantMcpServer(), { closePlugins: false, onDiagnostic }).use(
      ...plugins.all,
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
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
    plugins,
    async close() {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await Promise.all(plugins.all.map((plugin) => plugin.close?.()));
      plugins.health.dispose();
    },
  };
}
