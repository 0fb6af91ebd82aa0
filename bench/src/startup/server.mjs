// A stdio server as a user starts it: `bare` (the MCP SDK only), `sdks` (Sentry, OpenTelemetry, pino and
// prom-client loaded and set up, no mcpscope) or `observed` (the same, plus the five plugins).
const mode = process.argv[2];
const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
let server = new McpServer({ name: 'startup', version: '1.0.0' });
if (mode !== 'bare') {
  const Sentry = await import('@sentry/node');
  Sentry.init({ dsn: undefined });
  const { trace, context } = await import('@opentelemetry/api');
  const { BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  await import('pino');
  await import('prom-client');
}
if (mode === 'observed') {
  const { observe } = await import('@mcpscope/core');
  const { metrics } = await import('@mcpscope/metrics');
  const { tracing } = await import('@mcpscope/tracing');
  const { logging } = await import('@mcpscope/logging');
  const { sentry } = await import('@mcpscope/sentry');
  const { health } = await import('@mcpscope/health');
  server = observe(server).use(metrics(), tracing(), logging(), sentry(), health({ shutdown: false }));
}
server.registerTool('ping_tool', { description: 'Answers at once' }, async () => ({
  content: [{ type: 'text', text: 'pong' }],
}));
await server.connect(new StdioServerTransport());
