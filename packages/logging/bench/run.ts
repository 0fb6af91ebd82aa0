/**
 * `pnpm bench` (this package): what each log destination costs a tools/call round trip (SDK v1, in
 * memory) against a bare server, and whether it loses lines. Every measurement runs in a fresh process;
 * scenarios are interleaved round by round and the figure is the median. Wall time is the target's
 * measure; CPU time (all threads of the process) is printed beside it. Each process warms the JIT first.
 *
 *   node --import tsx bench/run.ts [--rounds 5] [--calls 20000] [--warmup 20000] [--turn-every 64]
 *                                  [--only a,b] [--node path] [--instructions]
 *
 * `--instructions` counts instructions per call with valgrind's callgrind instead (two runs per scenario
 * with different numbers of calls; the difference over the difference in calls cancels start-up and
 * warm-up). callgrind counts user-space instructions of every thread, not the time the kernel spends in
 * write(2): it settles small ratios of CPU work, while the time figures show what system calls cost.
 * Node: the npm `node` package of this package (Node 24) when installed, else the running Node.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SCENARIOS, type Scenario } from './scenarios.js';
import type { WorkerResult } from './worker.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    calls: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '20000' },
    'turn-every': { type: 'string', default: '64' },
    only: { type: 'string' },
    node: { type: 'string' },
    instructions: { type: 'boolean', default: false },
  },
});
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
// Node 24 as the repository's benchmark installs it (bench/ depends on the npm `node` package; no package with
// tests may, or its `node` would replace PATH's in them).
const PACKAGE_NODE = fileURLToPath(new URL('../../../bench/node_modules/node/bin/node', import.meta.url));
const node = values.node ?? (existsSync(PACKAGE_NODE) ? PACKAGE_NODE : process.execPath);
const calls = Number(values.calls);
const warmup = Number(values.warmup);
const turnEvery = values['turn-every'];
const only = values.only?.split(',');
const scenarios = SCENARIOS.filter((scenario) => only === undefined || only.includes(scenario.name));
const TARGET = 1.2;

interface Sample extends WorkerResult {
  /** Request lines that reached the destination, of the `calls + warmup` answered. */
  readonly linesWritten: number;
}

const countRequestLines = (text: string) =>
  text.split('\n').filter((line) => line.includes('"tools/call echo ok"')).length;

function runWorker(scenario: Scenario): Promise<Sample> {
  const scratch = mkdtempSync(join(tmpdir(), 'mcpscope-logging-run-'));
  const stderrFile = join(scratch, 'stderr');
  const stderrFd = scenario.stderr === 'file' ? openSync(stderrFile, 'w') : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(
      node,
      ['--import', 'tsx', WORKER, scenario.name, String(calls), String(warmup), turnEvery],
      { stdio: ['ignore', 'pipe', stderrFd ?? 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
    );
    if (stderrFd !== undefined) closeSync(stderrFd);
    let stdout = '';
    let piped = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    // A pipe reader that keeps up, as a supervisor collecting logs does.
    child.stderr?.on('data', (chunk: Buffer) => {
      piped += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = stderrFd === undefined ? piped : readFileSync(stderrFile, 'utf8');
      rmSync(scratch, { recursive: true, force: true });
      if (code !== 0) {
        reject(new Error(`${scenario.name} exited with ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as WorkerResult;
      const linesWritten = scenario.bare === true ? 0 : (result.fileLines ?? countRequestLines(stderr));
      resolve({ ...result, linesWritten });
    });
  });
}

function callgrindTotal(scenario: Scenario, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'valgrind',
      [
        '--tool=callgrind',
        '--callgrind-out-file=/dev/null',
        node,
        '--predictable',
        '--import',
        'tsx',
        WORKER,
        scenario.name,
        String(count),
        String(warmup),
        turnEvery,
      ],
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'info' } },
      (error, _stdout, stderr) => {
        const collected = /Collected : (\d+)/.exec(stderr);
        if (error !== null || collected === null) {
          reject(
            new Error(`callgrind ${scenario.name} failed: ${error?.message ?? ''}\n${stderr.slice(-2000)}`),
          );
          return;
        }
        resolve(Number(collected[1]));
      },
    );
  });
}

const median = (numbers: readonly number[]) =>
  [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const version = await new Promise<string>((resolve) =>
  execFile(node, ['--version'], (_error, stdout) => resolve(stdout.trim())),
);

if (values.instructions) {
  const small = Math.max(1, Math.floor(calls / 5));
  const perCall = new Map<string, number>();
  for (const scenario of scenarios) {
    const totals = [await callgrindTotal(scenario, small), await callgrindTotal(scenario, calls)];
    perCall.set(scenario.name, (totals[1]! - totals[0]!) / (calls - small));
    process.stderr.write(`${scenario.name}: ${(perCall.get(scenario.name)! / 1000).toFixed(1)} k\n`);
  }
  const bare = perCall.get('bare');
  process.stdout.write(`node ${version}, callgrind, ${small} and ${calls} calls after ${warmup} warm-up\n`);
  process.stdout.write('| scenario | instructions per call | × bare |\n|---|---:|---:|\n');
  for (const [name, count] of perCall) {
    const ratio = bare === undefined ? '' : (count / bare).toFixed(3);
    process.stdout.write(`| ${name} | ${(count / 1000).toFixed(1)} k | ${ratio} |\n`);
  }
} else {
  const samples = new Map<string, Sample[]>(scenarios.map((scenario) => [scenario.name, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const scenario of scenarios) samples.get(scenario.name)!.push(await runWorker(scenario));
    process.stderr.write(`round ${round + 1} done\n`);
  }
  const wall = (name: string) => median(samples.get(name)!.map((sample) => sample.wallMicros));
  const cpu = (name: string) => median(samples.get(name)!.map((sample) => sample.cpuMicros));
  const bare = samples.has('bare') ? { wall: wall('bare'), cpu: cpu('bare') } : undefined;
  process.stdout.write(
    `node ${version}, ${calls} sequential tools/call per process after ${warmup} warm-up, event loop turned every ${turnEvery} calls, median of ${values.rounds}\n`,
  );
  process.stdout.write(
    '| scenario | µs per call | × bare | CPU µs per call | × bare | lines lost (worst round) |\n',
  );
  process.stdout.write('|---|---:|---:|---:|---:|---:|\n');
  for (const scenario of scenarios) {
    const lost =
      scenario.bare === true
        ? '-'
        : String(
            Math.max(...samples.get(scenario.name)!.map((sample) => calls + warmup - sample.linesWritten)),
          );
    const cells = [
      wall(scenario.name).toFixed(2),
      bare === undefined ? '' : (wall(scenario.name) / bare.wall).toFixed(3),
      cpu(scenario.name).toFixed(2),
      bare === undefined ? '' : (cpu(scenario.name) / bare.cpu).toFixed(3),
      lost,
    ];
    process.stdout.write(`| ${scenario.name} | ${cells.join(' | ')} |\n`);
  }
  process.stdout.write(`target: logging to a file <= ${TARGET}x bare\n`);
}
