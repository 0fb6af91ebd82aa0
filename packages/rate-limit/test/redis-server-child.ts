/**
 * An observed example server on stdio whose limiter counts in a shared Redis, run as a child process by
 * the Redis tests. Several of these share one global limit.
 *
 * Usage: node --import tsx redis-server-child.ts <v1|v2> <redis port> <global limit> <open|closed>
 */
import { observe } from '@mcpscope/core';
import { createExampleServer, type SdkVersion } from '@mcpscope/test-kit';
import { StdioServerTransport as V1StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as V2StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { Redis } from 'ioredis';
import { rateLimit, redisStore } from '../src/index.js';

const [sdk, port, limit, failure] = process.argv.slice(2) as [SdkVersion, string, string, 'open' | 'closed'];

const client = new Redis({ host: '127.0.0.1', port: Number(port) });
// The store reports its own failures (once per outage); ioredis's reconnection errors are expected.
client.on('error', () => undefined);

const limiter = rateLimit({
  client: false,
  // A day-long window: the bucket refills less than one request during a test.
  global: { limit: Number(limit), windowMs: 86_400_000 },
  store: redisStore({ client, retryIntervalMs: 200 }),
  failOpen: failure === 'open',
});
const server = observe(createExampleServer({ sdk })).use(limiter);
await server.connect(sdk === 'v1' ? new V1StdioServerTransport() : new V2StdioServerTransport());
process.stdin.on('end', () => {
  client.disconnect();
});
