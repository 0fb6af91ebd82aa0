/** Runs the HTTP example: PORT (default 3000) and HOST (default 127.0.0.1) from the environment. */
import '@mcpscope/example-weather/instrument';
import { loggingPlugin } from './plugins.js';
import { startWeatherHttpServer } from './server.js';

const running = await startWeatherHttpServer({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '127.0.0.1',
});
loggingPlugin.logger.info(
  { url: running.url.href, routes: `${running.baseUrl}/metrics` },
  'weather MCP server listening',
);
