/**
 * An observed example server on stdio, with the health routes on core's side listener.
 * Usage: node --import tsx stdio-server.ts <v1|v2>
 * Env: DELAY_MS, TIMEOUT_MS (shutdown). Prints `LISTENING <side listener url>` on stderr.
 */
import { observe, sideListenerAddress } from '@mcpscope/core';
import { createExampleServer, type SdkVersion } from '@mcpscope/test-kit';
import { StdioServerTransport as V1StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as V2StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { health } from '../src/index.js';
import { outcomeRecorder } from './outcome-recorder.js';

const [sdk] = process.argv.slice(2) as [SdkVersion];
const probes = health({
  shutdown: {
    delayMs: Number(process.env.DELAY_MS ?? 0),
    timeoutMs: Number(process.env.TIMEOUT_MS ?? 20_000),
  },
});
const server = observe(createExampleServer({ sdk }), { listen: { port: 0 } }).use(probes, outcomeRecorder());
await server.connect(sdk === 'v1' ? new V1StdioServerTransport() : new V2StdioServerTransport());
const address = await sideListenerAddress(server);
process.stderr.write(`LISTENING ${address.url}\n`);
