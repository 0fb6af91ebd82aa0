// One fresh process: imports the libraries a user loads anyway, then mcpscope, then sets it up, marking
// the time after each step. Prints the marks (ms since the process started) as one JSON line on stderr.
import { performance } from 'node:perf_hooks';

const marks = { start: performance.now() };
const mark = (name) => {
  marks[name] = performance.now();
};

const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
await import('@modelcontextprotocol/sdk/server/stdio.js');
mark('mcp-sdk');
const Sentry = await import('@sentry/node');
mark('sentry');
await import('@opentelemetry/api');
await import('@opentelemetry/sdk-trace-base');
await import('@opentelemetry/context-async-hooks');
mark('opentelemetry');
await import('pino');
mark('pino');
await import('prom-client');
mark('prom-client');
Sentry.init({ dsn: undefined });
const mcpServer = new McpServer({ name: 'startup', version: '1.0.0' });
mark('sdk-setup');

const { observe } = await import('@mcpscope/core');
mark('mcpscope-core');
const { metrics } = await import('@mcpscope/metrics');
const { tracing } = await import('@mcpscope/tracing');
const { logging } = await import('@mcpscope/logging');
const { sentry } = await import('@mcpscope/sentry');
const { health } = await import('@mcpscope/health');
mark('mcpscope-plugins');
const server = observe(mcpServer);
server.use(metrics(), tracing(), logging(), sentry(), health({ shutdown: false }));
mark('mcpscope-setup');
process.stderr.write(`${JSON.stringify(marks)}\n`);
process.exit(0);
