/**
 * A small but real MCP server (SDK 1.x): forecasts and alerts, a slow report with progress, a radar tool
 * whose upstream is down, a unit converter that reports its own errors, a prompt and a resource.
 */
import { getLogger } from '@mcpscope/logging';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
  alertsFor,
  briefPrompt,
  convert,
  fetchForecast,
  fetchRadarImage,
  REPORT_STEPS,
  STATIONS,
  sleep,
} from './weather-api.js';

export { STATIONS } from './weather-api.js';

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

export function createWeatherServer(): McpServer {
  const server = new McpServer({ name: 'weather', version: '1.0.0' }, { capabilities: { logging: {} } });

  // #region get-logger
  server.registerTool(
    'get_forecast',
    {
      description: 'Daily forecast for a city',
      inputSchema: { city: z.string().min(1), days: z.number().int().min(1).max(7).default(3) },
    },
    async ({ city, days }) => {
      getLogger().info({ city, days }, 'fetching forecast'); // carries this request's id and trace id
      return text(await fetchForecast(city, days));
    },
  );
  // #endregion get-logger

  server.registerTool(
    'get_alerts',
    { description: 'Active weather alerts for a region', inputSchema: { region: z.string() } },
    async ({ region }) => text(alertsFor(region)),
  );

  server.registerTool(
    'slow_report',
    {
      description: 'A long climate report, with progress',
      inputSchema: { seconds: z.number().min(0).max(30) },
    },
    async ({ seconds }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let step = 1; step <= REPORT_STEPS && !extra.signal.aborted; step++) {
        await sleep((seconds * 1_000) / REPORT_STEPS, extra.signal);
        if (progressToken === undefined) continue;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress: step, total: REPORT_STEPS },
        });
      }
      return text(`climate report after ${seconds}s`);
    },
  );

  server.registerTool(
    'radar_image',
    { description: 'Latest radar image for a station', inputSchema: { station: z.string() } },
    async ({ station }) => fetchRadarImage(station),
  );

  server.registerTool(
    'convert',
    {
      description: 'Converts temperatures and wind speeds',
      inputSchema: { value: z.number(), from: z.string(), to: z.string() },
    },
    async ({ value, from, to }) => {
      const converted = convert(value, from, to);
      return converted === undefined
        ? { ...text(`cannot convert ${from} to ${to}`), isError: true }
        : text(String(converted));
    },
  );

  server.registerPrompt(
    'weather_brief',
    { description: 'Asks for a short weather briefing', argsSchema: { city: z.string() } },
    ({ city }) => ({ messages: [{ role: 'user', content: { type: 'text', text: briefPrompt(city) } }] }),
  );

  server.registerResource(
    'stations',
    'weather://stations',
    { description: 'Weather stations', mimeType: 'application/json' },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(STATIONS) }],
    }),
  );

  return server;
}
