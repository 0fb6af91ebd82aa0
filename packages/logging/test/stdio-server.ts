/**
 * A stdio MCP server with the logging plugin and its default logger (stderr, LOG_LEVEL), for the stdio
 * test. Usage: node --import tsx test/stdio-server.ts <v1|v2> [level]. Closes when stdin ends.
 */
import { observe } from '@mcpscope/core';
import { createExampleServer, type SdkVersion } from '@mcpscope/test-kit';
import { StdioServerTransport as V1StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as V2StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { LevelWithSilent } from 'pino';
import { z } from 'zod';
import { getLogger, logging } from '../src/index.js';
import { addTool, text } from './harness.js';

const sdk = process.argv[2] as SdkVersion;
const level = process.argv[3] as LevelWithSilent | undefined;
const server = createExampleServer({ sdk });
addTool(server, sdk, 'note', { text: z.string() }, async ({ text: value }) => {
  getLogger().info({ length: (value as string).length }, 'noting');
  return text('noted');
});
observe(server).use(logging({ logRequestStart: true, ...(level === undefined ? {} : { level }) }));
const transport = sdk === 'v1' ? new V1StdioServerTransport() : new V2StdioServerTransport();
await server.connect(transport as never);
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
