/**
 * The README's code blocks (scripts/snippets.mjs copies each region into packages/health/README.md),
 * typechecked with the package and run by src/readme-examples.test.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { nodeHandler } from '@mcpscope/core';
import { health } from '../src/index.js';

/** Stand-ins for the dependencies a real server checks. */
export interface Dependencies {
  readonly pool: { query(sql: string): Promise<unknown> };
  readonly redis: { ping(): Promise<string> };
  readonly queue: { count(): Promise<number> };
  readonly cache: { isWarm(): boolean };
  readonly worker: { readonly lastBeat: number };
  pingSearch(): Promise<void>;
}

export function withChecks({ pool, redis, queue, cache, worker, pingSearch }: Dependencies) {
  // #region checks
  const probes = health({
    checks: {
      // passes unless it throws
      'postgres:ping': async () => {
        await pool.query('select 1');
      },
      'redis:ping': async () => (await redis.ping()) === 'PONG', // false fails
      'queue:depth': async () => {
        const depth = await queue.count();
        return { status: depth > 10_000 ? 'warn' : 'pass', observedValue: depth, observedUnit: 'jobs' };
      },
      'search:latency': { check: pingSearch, timeoutMs: 200, cacheMs: 10_000, critical: false },
      'cache:warm': { kind: 'startup', check: () => cache.isWarm() },
      'worker:heartbeat': { kind: 'liveness', check: () => Date.now() - worker.lastBeat < 60_000 },
    },
  });
  // #endregion checks
  return probes;
}

export function withLoadShedding() {
  // #region load-shedding
  const probes = health({
    loadShedding: {
      maxEventLoopDelayMs: 200, // mean delay of the last sample
      maxEventLoopUtilization: 0.95, // share of the last sample the loop was busy
      maxHeapUsedBytes: false, // not on heap
      retryAfterMs: 5_000,
    },
  });
  // #endregion load-shedding
  return probes;
}

export function withOwnSignalHandling(otherCleanup: () => Promise<void>) {
  // #region own-signals
  const probes = health({ shutdown: { signals: [], exit: false } });
  process.on('SIGTERM', async () => {
    const { exitCode } = await probes.shutdown(); // { trigger, exitCode, timedOut, unfinished, durationMs }
    await otherCleanup();
    process.exit(exitCode);
  });
  // #endregion own-signals
  return probes;
}

export function withRoutes(handleMcp: (req: IncomingMessage, res: ServerResponse) => void) {
  // #region routes
  const probes = health({ paths: { livez: '/livez', readyz: '/readyz', healthz: false } });
  const routes = nodeHandler([probes]); // or fetchHandler([probes]) for Hono and createMcpHandler apps
  const http = createServer((req, res) =>
    req.url?.startsWith('/mcp') ? handleMcp(req, res) : routes(req, res),
  );
  // for each session (or request): observe(new McpServer(...)).use(probes)
  // #endregion routes
  return { probes, http };
}
