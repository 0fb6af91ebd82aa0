/**
 * `pnpm bench` (this package): per-call time of a tools/call round trip with a limiter whose limit is
 * never reached (memory store) vs a bare server, SDK v1 over the in-memory transport.
 *
 * All scenarios live in one process, each with its own server and client, and are measured in short
 * batches taken in turn (bare, then each scenario, again and again), so drift on a busy machine hits
 * them alike; a scenario's figure is the median over batches of its time divided by the bare batch
 * next to it. Target: rate limit never reached <= 1.05x bare. The limiter's own cost is printed too:
 * rate-limit over `observe()` with no plugin (core's hook layer has its own target).
 *
 * Usage: node --import tsx bench/overhead.ts [--batches N] [--calls N (per batch)]
 */
import { parseArgs } from 'node:util';
import { observe } from '@mcpscope/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { rateLimit } from '../src/index.js';

const TARGET_RATIO = 1.05;
const NEVER_REACHED = { limit: 1_000_000_000, windowMs: 60_000 };

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '60' },
    calls: { type: 'string', default: '500' },
  },
});
const batches = Number(values.batches);
const calls = Number(values.calls);

const SCENARIOS: Record<string, (server: McpServer) => void> = {
  bare: () => undefined,
  'observe(), no plugin': (server) => {
    observe(server);
  },
  'no-op aroundRequest': (server) => {
    observe(server).use({ name: 'no-op', aroundRequest: (_request, dispatch) => dispatch() });
  },
  'rate-limit': (server) => {
    observe(server).use(rateLimit({ client: NEVER_REACHED }));
  },
  'rate-limit, 3 rules': (server) => {
    observe(server).use(
      rateLimit({ global: NEVER_REACHED, client: NEVER_REACHED, tools: { echo: NEVER_REACHED } }),
    );
  },
};

async function connect(attach: (server: McpServer) => void): Promise<() => Promise<unknown>> {
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text' as const, text }],
  }));
  attach(server);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(clientSide);
  return () => client.callTool({ name: 'echo', arguments: { text: 'hello' } });
}

async function batch(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let index = 0; index < calls; index++) await call();
  return ((performance.now() - start) * 1000) / calls;
}

const median = (numbers: number[]) =>
  [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)]!;

const names = Object.keys(SCENARIOS);
const callers = new Map<string, () => Promise<unknown>>();
for (const name of names) callers.set(name, await connect(SCENARIOS[name]!));
for (const name of names) for (let index = 0; index < 2_000; index++) await callers.get(name)!();

const micros = new Map<string, number[]>(names.map((name) => [name, []]));
const ratios = new Map<string, number[]>(names.map((name) => [name, []]));
for (let round = 0; round < batches; round++) {
  // Rotate the order so no scenario always runs right after the same one.
  const order = names.map((_, index) => names[(index + round) % names.length]!);
  const taken = new Map<string, number>();
  for (const name of order) taken.set(name, await batch(callers.get(name)!));
  for (const name of names) {
    micros.get(name)!.push(taken.get(name)!);
    ratios.get(name)!.push(taken.get(name)! / taken.get('bare')!);
  }
}

process.stdout.write(
  `node ${process.version}, ${batches} batches of ${calls} sequential tools/call per scenario, in turn\n`,
);
process.stdout.write('scenario               | µs/call | × bare (median of batch ratios)\n');
for (const name of names) {
  const cells = [median(micros.get(name)!).toFixed(1), median(ratios.get(name)!).toFixed(3)];
  process.stdout.write(`${name.padEnd(22)} | ${cells.join(' | ')}\n`);
}
const overObserve = median(
  micros.get('rate-limit')!.map((value, index) => value / micros.get('observe(), no plugin')![index]!),
);
process.stdout.write(
  `rate-limit over observe() alone (the limiter's own cost): ${overObserve.toFixed(3)}x\n`,
);
const ratio = median(ratios.get('rate-limit')!);
process.stdout.write(
  `target: rate limit never reached <= ${TARGET_RATIO}x bare: ${ratio.toFixed(3)}x, ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}\n`,
);
process.exit(0);
