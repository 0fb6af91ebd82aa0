/**
 * `pnpm bench`: every scenario against a bare server, in one run, on Node 24 and Node 20, over the
 * in-memory transport (the CPU-bound worst case) and Streamable HTTP on 127.0.0.1 (the realistic case).
 * Each measurement runs in a fresh process; scenarios are interleaved round by round so drift on a busy
 * machine hits them alike; every figure is the median of the rounds. Writes bench/results.json.
 *
 * Options: --rounds N (default 3), --only scenario[,scenario], --node 20|24, --transport in-memory|http,
 * --calls N (sequential calls per round, in memory; HTTP uses a fifth).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatReport } from './report.js';
import { SCENARIO_NAMES } from './scenarios.js';
import { evaluateTargets } from './targets.js';
import type { TransportName, WorkerResult } from './worker.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..');

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    node: { type: 'string' },
    transport: { type: 'string' },
    calls: { type: 'string', default: '5000' },
  },
});

/** Node 24 comes from the `node` package on the npm registry; Node 20 is the machine's own. */
function nodeBinaries(): { label: string; path: string }[] {
  const node24 = join(benchRoot, 'node_modules', 'node', 'bin', 'node');
  const systemNode =
    process.env.MCPSCOPE_NODE20 ??
    (process.env.PATH ?? '')
      .split(delimiter)
      .filter((directory) => !directory.includes('node_modules'))
      .map((directory) => join(directory, 'node'))
      .find((candidate) => existsSync(candidate));
  const binaries: { label: string; path: string }[] = [];
  if (existsSync(node24)) binaries.push({ label: '24', path: node24 });
  if (systemNode !== undefined) binaries.push({ label: '20', path: systemNode });
  return binaries
    .map((binary) => ({ ...binary, label: execFileSync(binary.path, ['--version']).toString().trim() }))
    .filter((binary) => options.node === undefined || binary.label.startsWith(`v${options.node}`));
}

function runWorker(
  node: string,
  scenario: string,
  transport: TransportName,
  calls: number,
): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      node,
      ['--import', 'tsx', join(here, 'worker.ts'), scenario, transport, String(calls)],
      {
        cwd: benchRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as WorkerResult);
      else reject(new Error(`worker ${scenario} ${transport} exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const scenarios = options.only?.split(',') ?? [...SCENARIO_NAMES];
if (!scenarios.includes('bare')) scenarios.unshift('bare');
const transports: TransportName[] = options.transport
  ? [options.transport as TransportName]
  : ['in-memory', 'http'];
const rounds = Number(options.rounds);
const inMemoryCalls = Number(options.calls);
const nodes = nodeBinaries();

const raw: WorkerResult[] = [];
const started = Date.now();
for (const node of nodes) {
  for (const transport of transports) {
    const calls = transport === 'in-memory' ? inMemoryCalls : Math.max(200, Math.round(inMemoryCalls / 5));
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        process.stderr.write(`node ${node.label} ${transport} round ${round}/${rounds}: ${scenario}\n`);
        raw.push(await runWorker(node.path, scenario, transport, calls));
      }
    }
  }
}

interface Summary {
  readonly node: string;
  readonly transport: TransportName;
  readonly scenario: string;
  readonly perCallMicros: number;
  readonly perCallRatio: number;
  readonly throughput: number;
  readonly throughputRatio: number;
  readonly addedSequentialP99Micros: number;
  readonly addedConcurrentP99Micros: number;
  readonly rssMegabytes: number;
}

const summaries: Summary[] = [];
for (const node of nodes) {
  for (const transport of transports) {
    const group = raw.filter((result) => result.node === node.label && result.transport === transport);
    const metric = (scenario: string, pick: (result: WorkerResult) => number) =>
      median(group.filter((result) => result.scenario === scenario).map(pick));
    const bare = {
      perCall: metric('bare', (result) => result.perCallMicros),
      throughput: metric('bare', (result) => result.throughput),
      sequentialP99: metric('bare', (result) => result.sequentialP99Micros),
      concurrentP99: metric('bare', (result) => result.concurrentP99Micros),
    };
    for (const scenario of scenarios) {
      const perCall = metric(scenario, (result) => result.perCallMicros);
      const throughput = metric(scenario, (result) => result.throughput);
      summaries.push({
        node: node.label,
        transport,
        scenario,
        perCallMicros: perCall,
        perCallRatio: perCall / bare.perCall,
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

const targets = evaluateTargets(summaries);
const results = {
  command: 'pnpm bench',
  date: new Date().toISOString(),
  durationSeconds: Math.round((Date.now() - started) / 1_000),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGigabytes: Math.round(totalmem() / 2 ** 30),
  },
  method: {
    rounds,
    sequentialCallsPerRound: {
      'in-memory': inMemoryCalls,
      http: Math.max(200, Math.round(inMemoryCalls / 5)),
    },
    roundsPerProcess: 5,
    inFlight: 32,
    note: 'each figure is the median over rounds; each round is a fresh process per scenario, interleaved',
  },
  summaries,
  targets,
  raw,
};
writeFileSync(join(benchRoot, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(formatReport(summaries, targets));
