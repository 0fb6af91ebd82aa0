/**
 * `--memory`: one million tools/call requests (32 in flight, in memory) through a server running a
 * scenario (all five plugins by default), in one process started with `--expose-gc`. Every 100,000
 * requests the plugins and SDKs are flushed, the heap is collected twice and `heapUsed` is read. The
 * heap after the last request must be no larger than after the first 100,000 plus a small constant, and
 * nothing may be left in flight: core's `endpointFacts(server).inFlight`, the metrics gauge and the health
 * plugin's `requests:inFlight`. Prints one JSON line.
 *
 * Usage: node --expose-gc --import tsx memory.ts <scenario> <requests> <checkpoint every>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointFacts, flushPlugins } from '@mcpscope/core';
import { connectInMemory } from './bench-server.js';
import { callEcho } from './load.js';
import { type ScenarioCounts, scenarioNamed } from './scenarios.js';
import { startSentryEndpoint } from './sentry-endpoint.js';

/** Heap growth from the first checkpoint to the last that still counts as flat. */
export const HEAP_GROWTH_LIMIT_MEGABYTES = 1;

export interface MemoryResult {
  readonly scenario: string;
  readonly node: string;
  readonly requests: number;
  readonly inFlight: number;
  /** heapUsed after gc, in MB, at each checkpoint. */
  readonly heap: readonly { readonly requests: number; readonly heapUsedMegabytes: number }[];
  readonly heapGrowthMegabytes: number;
  readonly heapGrowthLimitMegabytes: number;
  readonly rssMegabytes: number;
  readonly seconds: number;
  /** In flight once the load stopped: core's count and the plugins' gauges (all 0). */
  readonly inFlightAfter: ScenarioCounts;
  readonly counts: ScenarioCounts;
  readonly met: boolean;
}

const [scenarioName = 'all-five', requestsArgument = '1000000', everyArgument = '100000'] =
  process.argv.slice(2);
const requests = Number(requestsArgument);
const every = Number(everyArgument);
const inFlight = 32;
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('Run with --expose-gc');

const scratch = mkdtempSync(join(tmpdir(), 'mcpscope-bench-memory-'));
const endpoint = process.env.BENCH_SENTRY_DSN === undefined ? await startSentryEndpoint() : undefined;
const sentryDsn = process.env.BENCH_SENTRY_DSN ?? endpoint?.dsn('memory') ?? '';
const scenario = await scenarioNamed(scenarioName).start({ scratch, sentryDsn });
const { client, server } = await connectInMemory(scenario);

async function heapUsedMegabytes(): Promise<number> {
  await flushPlugins(server);
  await scenario.settle?.();
  // Let finished requests' promises and timers run out before collecting.
  await new Promise((resolve) => setTimeout(resolve, 50));
  collect?.();
  collect?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const heap: { requests: number; heapUsedMegabytes: number }[] = [];
const started = performance.now();
let sent = 0;
while (sent < requests) {
  const target = Math.min(requests, sent + every);
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (sent < target) {
        await callEcho(client, sent++);
      }
    }),
  );
  heap.push({ requests: sent, heapUsedMegabytes: await heapUsedMegabytes() });
  process.stderr.write(
    `${scenarioName}: ${sent} requests, heap ${heap.at(-1)?.heapUsedMegabytes.toFixed(2)} MB\n`,
  );
}
const seconds = (performance.now() - started) / 1_000;
const inFlightAfter = { core: endpointFacts(server)?.inFlight ?? 0, ...(await scenario.inFlight?.()) };
const counts = await scenario.release();
const rssMegabytes = process.resourceUsage().maxRSS / 1024;
await client.close();
await server.close();
await endpoint?.close();
rmSync(scratch, { recursive: true, force: true });

const first = heap[0]?.heapUsedMegabytes ?? Number.NaN;
const last = heap.at(-1)?.heapUsedMegabytes ?? Number.NaN;
const heapGrowthMegabytes = last - first;
const result: MemoryResult = {
  scenario: scenarioName,
  node: process.version,
  requests,
  inFlight,
  heap,
  heapGrowthMegabytes,
  heapGrowthLimitMegabytes: HEAP_GROWTH_LIMIT_MEGABYTES,
  rssMegabytes,
  seconds,
  inFlightAfter,
  counts,
  met:
    heapGrowthMegabytes <= HEAP_GROWTH_LIMIT_MEGABYTES &&
    Object.values(inFlightAfter).every((value) => value === 0),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
