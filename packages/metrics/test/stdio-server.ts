/**
 * An observed example server on stdio whose metrics are served by core's side listener. It writes
 * `metrics-url <url>` to stderr once the listener is up (stdout belongs to the MCP transport).
 *
 * Usage: node --import tsx stdio-server.ts <v1|v2>
 */
import { observe, sideListenerAddress } from '@mcpscope/core';
import { createExampleServer, type SdkVersion } from '@mcpscope/test-kit';
import { StdioServerTransport as V1StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as V2StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { Registry } from 'prom-client';
import { metrics } from '../src/index.js';

const sdk = process.argv[2] as SdkVersion;
const server = observe(createExampleServer({ sdk }), { listen: { port: 0 } }).use(
  metrics({ registry: new Registry(), bearerToken: 'stdio-secret' }),
);
await server.connect(sdk === 'v1' ? new V1StdioServerTransport() : new V2StdioServerTransport());
const { url } = await sideListenerAddress(server);
process.stderr.write(`metrics-url ${url}\n`);
