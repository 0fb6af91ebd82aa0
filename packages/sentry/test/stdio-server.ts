/**
 * A stdio MCP server in its own process, the way users run one: `Sentry.init` first, then the server
 * modules (so Sentry's automatic McpServer instrumentation can wrap them when tracing is on).
 * Usage: node --import tsx test/stdio-server.ts <v1|v2> <dsn> [--tracing]
 * Closes the server (which flushes Sentry) and exits when stdin ends.
 */
import { initSentryEveryEvent } from './init-sentry.js';

const [sdk, dsn, ...flags] = process.argv.slice(2);
if ((sdk !== 'v1' && sdk !== 'v2') || dsn === undefined) {
  process.stderr.write('usage: stdio-server.ts <v1|v2> <dsn> [--tracing]\n');
  process.exit(2);
}

initSentryEveryEvent(dsn, flags.includes('--tracing') ? { tracesSampleRate: 1 } : {});

const { createExampleServer } = await import('@mcpscope/test-kit');
const { observe } = await import('@mcpscope/core');
const { sentry } = await import('../src/index.js');
const { addTool } = await import('./extra-tools.js');

const created = createExampleServer({ sdk });
let instrumentation = '__sentry_original__' in created.connect ? 'automatic' : 'none';
if (flags.includes('--tracing') && instrumentation === 'none') {
  // Sentry's mcpServerIntegration wraps McpServer through module hooks, which do not reach the SDK under
  // tsx on Node 22 (they do on 20 and 24): there its MCP guide's explicit call stands in.
  const Sentry = await import('@sentry/node');
  Sentry.wrapMcpServerWithSentry(created as unknown as Parameters<typeof Sentry.wrapMcpServerWithSentry>[0]);
  instrumentation = 'explicit';
}
const server = observe(created);
addTool(server, 'instrumentation', async () => ({
  content: [{ type: 'text', text: instrumentation }],
}));
server.use(sentry());

const { StdioServerTransport } =
  sdk === 'v1'
    ? await import('@modelcontextprotocol/sdk/server/stdio.js')
    : await import('@modelcontextprotocol/server/stdio');
await server.connect(new StdioServerTransport());

process.stdin.once('end', () => {
  void server.close().finally(() => process.exit(0));
});
