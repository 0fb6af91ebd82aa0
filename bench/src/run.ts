/**
 * `pnpm bench`: every scenario against a bare server, in one run, on Node 24 and Node 20, over the
 * in-memory transport (the CPU-bound worst case) and Streamable HTTP on 127.0.0.1 (the realistic case),
 * then the memory run (one million requests with all five plugins). Each measurement runs in a fresh
 * process; scenarios are interleaved round by round so drift on a busy machine hits them alike; every
 * figure is the median of the rounds. Writes bench/results.json and bench/results.md, prints Markdown.
 *
 * Options:
 *   --rounds N             processes per scenario, transport and Node (default 3)
 *   --calls N              sequential calls per round in memory (default 5000; HTTP uses a fifth)
 *   --only a,b             scenarios (bare is always added); also the attribution scenarios
 *                          (all-five-sdks, all-five-without-<plugin>, ...: see scenarios.ts)
 *   --node 20|24           one Node version
 *   --transport in-memory|http
 *   --skip-memory          the table only
 *   --memory               the memory run only (--memory-requests N, default 1000000)
 *   --instructions         instructions per call under valgrind's callgrind instead of timing
 *   --jobs N               callgrind runs at a time (default 1; counts do not depend on load)
 *   --results NAME         write NAME.json and NAME.md instead of results.json and results.md
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  countInstructions,
  INSTRUCTION_CALLS,
  INSTRUCTION_NODE_FLAGS,
  type InstructionCount,
} from './instructions.js';
import type { MemoryResult } from './memory.js';
import { formatReport, type ReportInput, type ScrapeResult, type Summary } from './report.js';
import { ATTRIBUTION_SCENARIO_NAMES, SCENARIO_NAMES } from './scenarios.js';
import { type EnvelopeCounts, startSentryEndpoint } from './sentry-endpoint.js';
import { evaluateTargets } from './targets.js';
import type { TransportName, WorkerResult } from './worker.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..');
const worker = join(here, 'worker.ts');

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    node: { type: 'string' },
    transport: { type: 'string' },
    calls: { type: 'string', default: '5000' },
    memory: { type: 'boolean', default: false },
    'skip-memory': { type: 'boolean', default: false },
    'memory-requests': { type: 'string', default: '1000000' },
    instructions: { type: 'boolean', default: false },
    jobs: { type: 'string', default: '1' },
    results: { type: 'string', default: 'results' },
  },
});

interface NodeBinary {
  readonly label: string;
  readonly path: string;
}

/** Node 24 comes from the `node` package on the npm registry; Node 20 is the machine's own. */
function nodeBinaries(): NodeBinary[] {
  const node24 = join(benchRoot, 'node_modules', 'node', 'bin', 'node');
  const systemNode =
    process.env.MCPSCOPE_NODE20 ??
    (process.env.PATH ?? '')
      .split(delimiter)
      .filter((directory) => !directory.includes('node_modules'))
      .map((directory) => join(directory, 'node'))
      .find((candidate) => existsSync(candidate));
  const binaries: NodeBinary[] = [];
  if (existsSync(node24)) binaries.push({ label: '24', path: node24 });
  if (systemNode !== undefined) binaries.push({ label: '20', path: systemNode });
  return binaries
    .map((binary) => ({ ...binary, label: execFileSync(binary.path, ['--version']).toString().trim() }))
    .filter((binary) => options.node === undefined || binary.label.startsWith(`v${options.node}`));
}

/** Runs a script in a fresh process and parses the JSON line it prints last. */
function runJson<Result>(
  node: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, {
      cwd: benchRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Result);
      else reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const scenarios = options.only?.split(',') ?? [...SCENARIO_NAMES];
for (const scenario of scenarios) {
  if (!SCENARIO_NAMES.includes(scenario) && !ATTRIBUTION_SCENARIO_NAMES.includes(scenario)) {
    throw new Error(`Unknown scenario "${scenario}"`);
  }
}
if (!scenarios.includes('bare')) scenarios.unshift('bare');
const transports: TransportName[] = options.transport
  ? [options.transport as TransportName]
  : ['in-memory', 'http'];
const rounds = Number(options.rounds);
const inMemoryCalls = Number(options.calls);
const httpCalls = Math.max(200, Math.round(inMemoryCalls / 5));
const nodes = nodeBinaries();
const log = (line: string) => process.stderr.write(`${line}\n`);
const resultsPath = join(benchRoot, `${options.results}.json`);
/** Sections of an earlier run that this run does not redo (`--memory` alone keeps the table). */
const previous = (() => {
  if (!existsSync(resultsPath)) return {};
  const { table, memory, instructions } = JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<
    string,
    unknown
  >;
  return { table, memory, instructions };
})();
const command = `pnpm bench${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGigabytes: Math.round(totalmem() / 2 ** 30),
  loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
};

/** What a worker's counts must show: every request recorded, nothing left in flight. */
function sanityProblems(result: WorkerResult & { sentry?: EnvelopeCounts }): string[] {
  const problems: string[] = [];
  const where = `${result.node} ${result.transport} ${result.scenario}`;
  for (const [gauge, value] of Object.entries(result.inFlight)) {
    if (value !== 0) problems.push(`${where}: ${gauge} in flight after the load: ${value}`);
  }
  const expected: Record<string, number> = {
    observations: result.requests,
    spansExported: result.requests,
    logLines: result.requests + 1,
    refused: 0,
  };
  for (const [count, value] of Object.entries(result.counts)) {
    const want = expected[count];
    if (want !== undefined && value !== want) problems.push(`${where}: ${count} ${value}, expected ${want}`);
  }
  if (result.scenario === 'sentry-mcp' && (result.sentry?.spans ?? 0) < result.requests) {
    problems.push(
      `${where}: Sentry received ${result.sentry?.spans ?? 0} spans for ${result.requests} requests`,
    );
  }
  return problems;
}

async function runTable() {
  const endpoint = await startSentryEndpoint();
  const raw: (WorkerResult & { sentry?: EnvelopeCounts })[] = [];
  const scrapes: ScrapeResult[] = [];
  const started = Date.now();
  let workerIndex = 0;
  for (const node of nodes) {
    scrapes.push(await runJson<ScrapeResult>(node.path, ['--import', 'tsx', worker, 'scrape']));
    for (const transport of transports) {
      const calls = transport === 'in-memory' ? inMemoryCalls : httpCalls;
      for (let round = 1; round <= rounds; round++) {
        for (const scenario of scenarios) {
          log(`node ${node.label} ${transport} round ${round}/${rounds}: ${scenario}`);
          const key = `worker${++workerIndex}`;
          const result = await runJson<WorkerResult>(
            node.path,
            ['--import', 'tsx', worker, 'measure', scenario, transport, String(calls)],
            { BENCH_SENTRY_DSN: endpoint.dsn(key) },
          );
          const sentry = endpoint.counts(key);
          raw.push(sentry.envelopes > 0 ? { ...result, sentry } : result);
        }
      }
    }
  }
  await endpoint.close();

  const summaries: Summary[] = [];
  for (const node of nodes) {
    for (const transport of transports) {
      const group = raw.filter((result) => result.node === node.label && result.transport === transport);
      const metric = (scenario: string, pick: (result: WorkerResult) => number) =>
        median(group.filter((result) => result.scenario === scenario).map(pick));
      const bare = {
        perCall: metric('bare', (result) => result.perCallMicros),
        cpuPerCall: metric('bare', (result) => result.cpuPerCallMicros),
        throughput: metric('bare', (result) => result.throughput),
        sequentialP99: metric('bare', (result) => result.sequentialP99Micros),
        concurrentP99: metric('bare', (result) => result.concurrentP99Micros),
      };
      for (const scenario of scenarios) {
        const perCall = metric(scenario, (result) => result.perCallMicros);
        const cpuPerCall = metric(scenario, (result) => result.cpuPerCallMicros);
        const throughput = metric(scenario, (result) => result.throughput);
        summaries.push({
          node: node.label,
          transport,
          scenario,
          perCallMicros: perCall,
          perCallRatio: perCall / bare.perCall,
          cpuPerCallMicros: cpuPerCall,
          cpuPerCallRatio: cpuPerCall / bare.cpuPerCall,
          throughput,
          throughputRatio: throughput / bare.throughput,
          addedSequentialP99Micros:
            metric(scenario, (result) => result.sequentialP99Micros) - bare.sequentialP99,
          addedConcurrentP99Micros:
            metric(scenario, (result) => result.concurrentP99Micros) - bare.concurrentP99,
          rssMegabytes: metric(scenario, (result) => result.rssMegabytes),
        });
      }
    }
  }
  return {
    command,
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1_000),
    method: {
      rounds,
      sequentialCallsPerRound: { 'in-memory': inMemoryCalls, http: httpCalls },
      roundsPerProcess: 5,
      inFlight: 32,
      note:
        'each figure is the median over rounds; each round is a fresh process per scenario, interleaved. ' +
        'µs per call: mean of a round of sequential calls (median of 5 rounds in the process). ' +
        'CPU: user + system time of the server process over the sequential rounds, per call ' +
        '(in memory the client shares the process). HTTP: stateful Streamable HTTP session, SSE responses, ' +
        'client in a separate process.',
    },
    summaries,
    scrapes,
    targets: evaluateTargets(summaries, scrapes),
    problems: raw.flatMap(sanityProblems),
    raw,
  };
}

async function runMemory(): Promise<MemoryResult[]> {
  const results: MemoryResult[] = [];
  for (const node of nodes) {
    log(`node ${node.label}: memory, ${options['memory-requests']} requests with all five plugins`);
    results.push(
      await runJson<MemoryResult>(node.path, [
        '--expose-gc',
        '--import',
        'tsx',
        join(here, 'memory.ts'),
        'all-five',
        options['memory-requests'],
        String(Math.max(1, Math.round(Number(options['memory-requests']) / 10))),
      ]),
    );
  }
  return results;
}

async function runInstructions() {
  const work = nodes.flatMap((node) =>
    transports.flatMap((transport) => scenarios.map((scenario) => ({ node, transport, scenario }))),
  );
  const counts: InstructionCount[] = new Array(work.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Number(options.jobs)) }, async () => {
      while (next < work.length) {
        const index = next++;
        const { node, transport, scenario } = work[index]!;
        log(`node ${node.label} ${transport}: instructions of ${scenario} (callgrind)`);
        counts[index] = await countInstructions(node, worker, scenario, transport);
      }
    }),
  );
  return {
    command,
    date: new Date().toISOString(),
    method: {
      tool: 'valgrind --tool=callgrind',
      nodeFlags: INSTRUCTION_NODE_FLAGS.join(' '),
      calls: INSTRUCTION_CALLS,
    },
    counts: counts.map((count) => {
      const bare = counts.find(
        (other) =>
          other.scenario === 'bare' && other.node === count.node && other.transport === count.transport,
      );
      return {
        ...count,
        ratio: count.instructionsPerCall / (bare?.instructionsPerCall ?? Number.NaN),
        ratioWithoutOldGenerationCollections:
          count.withoutOldGenerationCollections / (bare?.withoutOldGenerationCollections ?? Number.NaN),
      };
    }),
  };
}

const instructionsOnly = options.instructions;
const memoryOnly = options.memory && !instructionsOnly;
const table = instructionsOnly || memoryOnly ? undefined : await runTable();
const memory = instructionsOnly || options['skip-memory'] ? undefined : await runMemory();
const instructions = instructionsOnly ? await runInstructions() : undefined;

const results = {
  ...previous,
  machine,
  ...(table === undefined ? {} : { table }),
  ...(memory === undefined ? {} : { memory: { command, date: new Date().toISOString(), results: memory } }),
  ...(instructions === undefined ? {} : { instructions }),
};
// The report shows every section the file holds: this run's, and those an earlier run left.
const shown = results as {
  table?: ReportInput['table'];
  memory?: { results: MemoryResult[] };
  instructions?: { counts: NonNullable<ReportInput['instructions']> };
};
const report = formatReport({
  ...(shown.table === undefined ? {} : { table: shown.table }),
  ...(shown.memory === undefined ? {} : { memory: shown.memory.results }),
  ...(shown.instructions === undefined ? {} : { instructions: shown.instructions.counts }),
  machine,
});
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(benchRoot, `${options.results}.md`), report);
process.stdout.write(report);
