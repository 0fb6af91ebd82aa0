/**
 * One measurement in its own process. Prints one JSON line with the result on stdout.
 *
 *   worker.ts measure <scenario> <in-memory|http> <calls>
 *     Warm-up, 5 rounds of <calls> sequential tools/call, then 2 × <calls> with 32 in flight. In memory
 *     the client runs in this process; over HTTP it runs in a forked process (http-client.ts) and this
 *     process is only the server. CPU time is this process's, over the sequential rounds.
 *   worker.ts scrape
 *     The median time of a /metrics scrape of at least 1,000 series, in both exposition formats.
 *   worker.ts instructions <scenario> <in-memory|http> <calls> <warm-up calls>
 *     Warm-up, then <calls> sequential calls, then exit. Run under callgrind with two call
 *     counts, the difference gives instructions per call (see instructions.ts).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endpointFacts, flushPlugins } from '@mcpscope/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { connectInMemory, startHttpHost } from './bench-server.js';
import type { ClientMessage } from './http-client.js';
import { type LoadPlan, type LoadResult, median, type PhaseHooks, planFor, runLoad } from './load.js';
import {
  type RunningScenario,
  type ScenarioContext,
  type ScenarioCounts,
  scenarioNamed,
} from './scenarios.js';
import { startSentryEndpoint } from './sentry-endpoint.js';

export type TransportName = 'in-memory' | 'http';

export interface WorkerResult extends Omit<LoadResult, 'totalCalls'> {
  readonly scenario: string;
  readonly transport: TransportName;
  readonly node: string;
  /** CPU time (user + system) of the server's process per sequential call (in memory: with the client). */
  readonly cpuPerCallMicros: number;
  /** Peak resident set size of the server's process. */
  readonly rssMegabytes: number;
  /** Requests the client sent (tools/call and initialize). */
  readonly requests: number;
  /** What the instrumentation recorded (spans exported, log lines, observations, ...). */
  readonly counts: ScenarioCounts;
  /** In-flight requests once the load stopped: core's count and the plugins' gauges. */
  readonly inFlight: ScenarioCounts;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The Sentry DSN the orchestrator gave, or a local endpoint of this process's own. */
async function scenarioContext(
  scratch: string,
): Promise<{ context: ScenarioContext; stop(): Promise<void> }> {
  if (process.env.BENCH_SENTRY_DSN) {
    return { context: { scratch, sentryDsn: process.env.BENCH_SENTRY_DSN }, stop: async () => undefined };
  }
  const endpoint = await startSentryEndpoint();
  return { context: { scratch, sentryDsn: endpoint.dsn('bench') }, stop: endpoint.close };
}

function cpuClock(): PhaseHooks & { micros(): number } {
  let start = process.cpuUsage();
  let used = 0;
  return {
    sequentialStart: async () => {
      start = process.cpuUsage();
    },
    sequentialEnd: async () => {
      const usage = process.cpuUsage(start);
      used = usage.user + usage.system;
    },
    micros: () => used,
  };
}

/** Runs the load from a forked client process against the HTTP host. */
function loadOverHttp(url: string, plan: LoadPlan, hooks: PhaseHooks): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'http-client.ts'), [url, JSON.stringify(plan)], {
      execArgv: ['--import', 'tsx', '--no-warnings'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let result: LoadResult | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    child.on('message', (message: ClientMessage) => {
      if (message.type === 'result') result = message.result;
      else if (message.type === 'sequential-start')
        void hooks.sequentialStart().then(() => child.send('ack'));
      else void hooks.sequentialEnd().then(() => child.send('ack'));
    });
    child.on('exit', (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`HTTP client exited ${code}: ${stderr}`));
    });
  });
}

async function inFlightAfter(servers: readonly McpServer[]): Promise<ScenarioCounts> {
  const facts = servers.map((server) => endpointFacts(server)).filter((fact) => fact !== undefined);
  return facts.length === 0 ? {} : { core: facts.reduce((sum, fact) => sum + fact.inFlight, 0) };
}

interface Served {
  readonly load: LoadResult;
  readonly servers: readonly McpServer[];
  close(): Promise<void>;
}

/** Puts the load on a server running the scenario, over the transport. */
async function serve(
  scenario: RunningScenario,
  transport: TransportName,
  plan: LoadPlan,
  hooks: PhaseHooks,
): Promise<Served> {
  if (transport === 'in-memory') {
    const { client, server } = await connectInMemory(scenario);
    return {
      load: await runLoad(client, plan, hooks),
      servers: [server],
      close: async () => {
        await client.close();
        await server.close();
      },
    };
  }
  const host = await startHttpHost(scenario);
  return { load: await loadOverHttp(host.url, plan, hooks), servers: host.servers, close: host.close };
}

async function measure(scenarioName: string, transport: TransportName, calls: number): Promise<WorkerResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'mcpscope-bench-'));
  const { context, stop } = await scenarioContext(scratch);
  const scenario = await scenarioNamed(scenarioName).start(context);
  const plan = planFor(calls);
  const clock = cpuClock();
  const { load, servers, close } = await serve(scenario, transport, plan, clock);
  const inFlight = { ...(await inFlightAfter(servers)), ...(await scenario.inFlight?.()) };
  await Promise.all(servers.map((server) => flushPlugins(server)));
  const counts = await scenario.release();
  const rssMegabytes = process.resourceUsage().maxRSS / 1024;
  await close();
  await stop();
  rmSync(scratch, { recursive: true, force: true });
  const { totalCalls, ...figures } = load;
  return {
    scenario: scenarioName,
    transport,
    node: process.version,
    ...figures,
    cpuPerCallMicros: clock.micros() / (plan.calls * plan.rounds),
    rssMegabytes,
    requests: totalCalls + 1,
    counts,
    inFlight,
  };
}

/**
 * Warm-up and <calls> sequential calls, nothing else, then exit: run under callgrind with two
 * call counts, the difference is the instruction count of the calls themselves (this process only: over
 * HTTP the client process is not counted).
 */
async function instructions(
  scenarioName: string,
  transport: TransportName,
  calls: number,
  warmupCalls: number,
) {
  const scratch = mkdtempSync(join(tmpdir(), 'mcpscope-bench-'));
  const { context } = await scenarioContext(scratch);
  const scenario = await scenarioNamed(scenarioName).start(context);
  const plan = { calls, rounds: 1, warmupCalls, inFlight: 1, concurrentCalls: 0 };
  const noHooks = { sequentialStart: async () => undefined, sequentialEnd: async () => undefined };
  const { load, servers } = await serve(scenario, transport, plan, noHooks);
  await Promise.all(servers.map((server) => flushPlugins(server)));
  rmSync(scratch, { recursive: true, force: true });
  return { scenario: scenarioName, transport, calls, perCallMicros: load.perCallMicros };
}

/**
 * The metrics plugin's `/metrics` route (through core's fetch handler) on a registry holding at least
 * 1,000 series: 60 registered tools called once each, 17 series per histogram child.
 */
async function scrape() {
  const [{ observe, fetchHandler }, { metrics }, { Registry }, { McpServer }, { z }] = await Promise.all([
    import('@mcpscope/core'),
    import('@mcpscope/metrics'),
    import('prom-client'),
    import('@modelcontextprotocol/sdk/server/mcp.js'),
    import('zod'),
  ]);
  const plugin = metrics({ registry: new Registry() });
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  observe(server).use(plugin);
  const tools = Array.from({ length: 60 }, (_, index) => `tool_${index}`);
  for (const tool of tools) {
    server.registerTool(tool, { inputSchema: { text: z.string() } }, async ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
  }
  const { client } = await connectInMemory({ attach: () => undefined, release: async () => ({}) }, server);
  for (const tool of tools) await client.callTool({ name: tool, arguments: { text: 'hello' } });
  const route = fetchHandler([plugin]);
  const formats = {
    prometheus: 'text/plain; version=0.0.4',
    openmetrics: 'application/openmetrics-text; version=1.0.0',
  };
  const results: Record<string, { series: number; medianMilliseconds: number }> = {};
  for (const [format, accept] of Object.entries(formats)) {
    const once = async () => {
      const response = await route(new Request('http://127.0.0.1/metrics', { headers: { accept } }));
      return response.text();
    };
    for (let index = 0; index < 10; index++) await once();
    const times: number[] = [];
    let body = '';
    for (let index = 0; index < 100; index++) {
      const start = performance.now();
      body = await once();
      times.push(performance.now() - start);
    }
    const series = body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    results[format] = { series, medianMilliseconds: median(times) };
  }
  await client.close();
  return { node: process.version, scrape: results };
}

const [mode, scenarioName = 'bare', ...rest] = process.argv.slice(2);
const result =
  mode === 'measure'
    ? await measure(scenarioName, (rest[0] ?? 'in-memory') as TransportName, Number(rest[1] ?? 5_000))
    : mode === 'instructions'
      ? await instructions(
          scenarioName,
          (rest[0] ?? 'in-memory') as TransportName,
          Number(rest[1] ?? 0),
          Number(rest[2] ?? 2_000),
        )
      : mode === 'scrape'
        ? await scrape()
        : undefined;
if (result === undefined) throw new Error(`Unknown mode "${mode}": measure, instructions or scrape`);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
