/** Runs the SDK 2.x example: PORT (default 3000) and HOST (default 127.0.0.1) from the environment. */
import '@mcpscope/example-weather/instrument';
import { startWeatherV2Server } from './server.js';

const running = await startWeatherV2Server({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '127.0.0.1',
});
process.stderr.write(
  `${JSON.stringify({ msg: 'weather MCP server (SDK 2.x) listening', url: running.url.href })}\n`,
);
