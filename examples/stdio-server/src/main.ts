/**
 * The weather MCP server over stdio. stdout is the MCP transport: logs go to stderr, and /metrics,
 * /livez, /readyz and /healthz are served on a side listener (METRICS_PORT, default 9464, on 127.0.0.1).
 * When the client closes stdin, the health plugin drains and exits.
 */
// #region stdio
import '@mcpscope/example-weather/instrument'; // Sentry.init and the OpenTelemetry SDK, loaded first
import { observe } from '@mcpscope/core';
import { createWeatherServer } from '@mcpscope/example-weather';
import { health } from '@mcpscope/health';
import { logging } from '@mcpscope/logging';
import { metrics } from '@mcpscope/metrics';
import { sentry } from '@mcpscope/sentry';
import { tracing } from '@mcpscope/tracing';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = observe(createWeatherServer(), { listen: { port: Number(process.env.METRICS_PORT ?? 9464) } });
server.use(metrics());
server.use(tracing());
server.use(logging());
server.use(sentry());
server.use(health());
await server.connect(new StdioServerTransport());
// #endregion stdio
