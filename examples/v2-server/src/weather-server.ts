/** The weather MCP server on @modelcontextprotocol/server 2.x: the same tools, prompt and resource as the v1 examples. */
import {
  alertsFor,
  briefPrompt,
  convert,
  fetchForecast,
  fetchRadarImage,
  REPORT_STEPS,
  STATIONS,
  sleep,
} from '@mcpscope/example-weather/weather-api';
import { getLogger } from '@mcpscope/logging';
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

export function createWeatherServer(): McpServer {
  const server = new McpServer({ name: 'weather', version: '2.0.0' });

  server.registerTool(
    'get_forecast',
    {
      description: 'Daily forecast for a city',
      inputSchema: z.object({ city: z.string().min(1), days: z.number().int().min(1).max(7).default(3) }),
    },
    async ({ city, days }) => {
      getLogger().info({ city, days }, 'fetching forecast');
      return text(await fetchForecast(city, days));
    },
  );
  server.registerTool(
    'get_alerts',
    { description: 'Active weather alerts for a region', inputSchema: z.object({ region: z.string() }) },
    async ({ region }) => text(alertsFor(region)),
  );
  server.registerTool(
    'slow_report',
    {
      description: 'A long climate report, with progress',
      inputSchema: z.object({ seconds: z.number().min(0).max(30) }),
    },
    async ({ seconds }, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let step = 1; step <= REPORT_STEPS && !ctx.mcpReq.signal.aborted; step++) {
        await sleep((seconds * 1_000) / REPORT_STEPS, ctx.mcpReq.signal);
        if (progressToken === undefined) continue;
        await ctx.mcpReq.notify({
          method: 'notifications/progress',
          params: { progressToken, progress: step, total: REPORT_STEPS },
        });
      }
      return text(`climate report after ${seconds}s`);
    },
  );
  server.registerTool(
    'radar_image',
    { description: 'Latest radar image for a station', inputSchema: z.object({ station: z.string() }) },
    async ({ station }) => fetchRadarImage(station),
  );
  server.registerTool(
    'convert',
    {
      description: 'Converts temperatures and wind speeds',
      inputSchema: z.object({ value: z.number(), from: z.string(), to: z.string() }),
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
    { description: 'Asks for a short weather briefing', argsSchema: z.object({ city: z.string() }) },
    ({ city }) => ({
      messages: [{ role: 'user' as const, content: { type: 'text' as const, text: briefPrompt(city) } }],
    }),
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
