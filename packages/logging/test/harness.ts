/** Test helpers: a pino logger whose lines are captured and parsed, and extra tools for the example server. */
import { observe } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  type ExampleServer,
  type SdkVersion,
  type TestClient,
} from '@mcpscope/test-kit';
import pino, { type Level, type Logger } from 'pino';
import { z } from 'zod';
import { logging } from '../src/index.js';
import type { LoggingOptions, LoggingPlugin } from '../src/types.js';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface CapturedLogger {
  readonly logger: Logger;
  /** Every line, parsed. */
  readonly lines: LogLine[];
  /** Everything written, as written. */
  text(): string;
  /** Request lines (those with an outcome), optionally for one method. */
  requestLines(method?: string): LogLine[];
}

export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export function captureLogger(level: Level = 'trace'): CapturedLogger {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level },
    {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return {
    logger,
    lines,
    text: () => raw.join(''),
    requestLines: (method) =>
      lines.filter(
        (line) =>
          line['mcp.request.outcome'] !== undefined &&
          (method === undefined || line['mcp.method.name'] === method),
      ),
  };
}

type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean };
type ToolHandler = (args: Record<string, unknown>) => ToolResult | Promise<ToolResult>;

/** Registers a tool the same way on SDK v1 (raw shape) and v2 (z.object). */
export function addTool(
  server: ExampleServer,
  sdk: SdkVersion,
  name: string,
  shape: Record<string, z.ZodType>,
  handler: ToolHandler,
): void {
  const register = server.registerTool.bind(server) as unknown as (
    name: string,
    config: { inputSchema: unknown },
    handler: ToolHandler,
  ) => void;
  register(name, { inputSchema: sdk === 'v1' ? shape : z.object(shape) }, handler);
}

export const text = (value: string): ToolResult => ({ content: [{ type: 'text', text: value }] });

export interface Started {
  readonly server: ExampleServer;
  readonly client: TestClient;
  readonly plugin: LoggingPlugin;
  readonly captured: CapturedLogger;
}

/** An observed example server with `logging()` writing to a captured logger, and a connected client. */
export async function startLogged(
  sdk: SdkVersion,
  options: Omit<LoggingOptions, 'logger'> = {},
  prepare?: (server: ExampleServer) => void,
): Promise<Started> {
  const captured = captureLogger();
  const plugin = logging({ slowRequestMs: Number.POSITIVE_INFINITY, ...options, logger: captured.logger });
  const server = createExampleServer({ sdk });
  prepare?.(server);
  const observed = observe(server).use(plugin);
  const client = await connectInMemory(observed, sdk);
  return { server, client, plugin, captured };
}
