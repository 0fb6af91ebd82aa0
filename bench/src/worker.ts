/**
 * One measurement in its own process: a scenario over one transport, sequential calls and calls with
 * 32 in flight. Prints one JSON line with the result on stdout.
 *
 * Usage: node --import tsx worker.ts <scenario> <in-memory|http> <calls>
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { scenarioNamed } from './scenarios.js';

export type TransportName = 'in-memory' | 'http';

export interface WorkerResult {
  readonly scenario: string;
  readonly transport: TransportName;
  readonly node: string;
  /** Sequential: mean microseconds per call (median of rounds). */
  readonly perCallMicros: number;
  readonly sequentialP99Micros: number;
  /** 32 in flight: calls per second, and the p99 latency of those calls. */
  readonly throughput: number;
  readonly concurrentP99Micros: number;
  readonly rssMegabytes: number;
}

const [scenarioName = 'bare', transportName = 'in-memory', callsArgument = '5000'] = process.argv.slice(2);
const transport = transportName as TransportName;
const calls = Number(callsArgument);
const scratch = mkdtempSync(join(tmpdir(), 'mcpscope-bench-'));

function createBenchServer(): McpServer {
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
}

async function connect(): Promise<{
  client: Client;
  close: () => Promise<void>;
  flush: () => Promise<void>;
}> {
  const scenario = scenarioNamed(scenarioName);
  const context = {
    scratch,
    ...(process.env.BENCH_SENTRY_DSN ? { sentryDsn: process.env.BENCH_SENTRY_DSN } : {}),
  };
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  if (transport === 'in-memory') {
    const server = createBenchServer();
    const release = await scenario.setup(server, context);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    await client.connect(clientSide);
    return { client, close: () => client.close(), flush: release ?? (async () => undefined) };
  }
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let release: (() => Promise<void>) | undefined;
  const http = createServer((request, response) => {
    const sessionId = request.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing !== undefined) {
      void existing.handleRequest(request, response);
      return;
    }
    const server = createBenchServer();
    const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id): void => void sessions.set(id, created),
    });
    void scenario
      .setup(server, context)
      .then((flush) => {
        release = flush;
        return server.connect(created);
      })
      .then(() => created.handleRequest(request, response));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return {
    client,
    close: async () => {
      await client.close();
      http.closeAllConnections();
      http.close();
    },
    flush: async () => release?.(),
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const { client, close, flush } = await connect();
const request = { name: 'echo', arguments: { text: 'hello' } };

// Warm-up: let the JIT settle.
for (let index = 0; index < Math.max(1_000, calls / 2); index++) await client.callTool(request);

const rounds = 5;
const roundMeans: number[] = [];
const sequential = new Float64Array(calls * rounds);
for (let round = 0; round < rounds; round++) {
  const roundStart = performance.now();
  for (let index = 0; index < calls; index++) {
    const start = performance.now();
    await client.callTool(request);
    sequential[round * calls + index] = (performance.now() - start) * 1_000;
  }
  roundMeans.push(((performance.now() - roundStart) * 1_000) / calls);
}
sequential.sort();

const inFlight = 32;
const concurrentCalls = calls * 2;
const concurrent = new Float64Array(concurrentCalls);
let next = 0;
const concurrentStart = performance.now();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < concurrentCalls) {
      const index = next++;
      const start = performance.now();
      await client.callTool(request);
      concurrent[index] = (performance.now() - start) * 1_000;
    }
  }),
);
const concurrentSeconds = (performance.now() - concurrentStart) / 1_000;
concurrent.sort();

await flush();
const result: WorkerResult = {
  scenario: scenarioName,
  transport,
  node: process.version,
  perCallMicros: median(roundMeans),
  sequentialP99Micros: percentile(sequential, 0.99),
  throughput: concurrentCalls / concurrentSeconds,
  concurrentP99Micros: percentile(concurrent, 0.99),
  rssMegabytes: process.memoryUsage().rss / 1024 / 1024,
};
await close();
rmSync(scratch, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
