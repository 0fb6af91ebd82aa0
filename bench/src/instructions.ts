/**
 * `--instructions`: instructions per call, counted by valgrind's callgrind, which stays repeatable on a
 * busy machine where wall-clock time does not. Each scenario's worker runs twice under callgrind (with
 * `node --predictable`: garbage collection and compilation on the main thread, so the count does not
 * depend on thread timing), with the same warm-up and two different numbers of sequential calls; the
 * difference divided by the difference in calls is the steady-state cost of one call, start-up, module
 * loading and warm-up cancelled out. Over HTTP only the server process is counted (the forked client
 * runs natively).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InstructionCount {
  readonly node: string;
  readonly transport: string;
  readonly scenario: string;
  readonly instructionsPerCall: number;
  /** The same, leaving out the old-generation collector's functions (see OLD_GENERATION_COLLECTOR). */
  readonly withoutOldGenerationCollections: number;
  /** The two totals the figure comes from. */
  readonly totals: readonly [number, number];
  readonly calls: readonly [number, number];
}

/**
 * Calls per run. An HTTP round trip costs many times an in-memory one and allocates more, so where the
 * collections land moves its count more: 4,000 calls apart settle it where 800 did not.
 */
export const INSTRUCTION_CALLS = {
  'in-memory': { calls: [5_000, 25_000], warmup: 20_000 },
  http: { calls: [1_000, 5_000], warmup: 1_000 },
} as const;

/**
 * `--predictable`: garbage collection and compilation on the main thread, in a repeatable order. A young
 * generation of 64 MB lets short-lived request objects die young instead of being promoted, so the
 * old generation (whose full collections land at different points for different scenarios) stays quiet.
 */
export const INSTRUCTION_NODE_FLAGS = [
  '--predictable',
  '--min-semi-space-size=64',
  '--max-semi-space-size=64',
];

/**
 * Functions of V8's old-generation collector (marking, sweeping, compaction). One such collection costs
 * 15–20 k instructions per call of a 20,000-call difference, and lands in one run of a pair or the other
 * by chance; the scavenger of the young generation, whose work follows each call's allocations, is not
 * matched.
 */
const OLD_GENERATION_COLLECTOR =
  /v8::internal::\S*(Marking|MarkCompact|MarkSweep|Sweeper|Evacuat|MigratedSlot|LiveObjectRange|RememberedSetUpdating)/;

interface CallgrindRun {
  readonly total: number;
  /** Instructions in functions of the old-generation collector. */
  readonly oldGenerationCollector: number;
}

function run(command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 256 * 1024 * 1024, env: process.env }, (error, stdout, stderr) => {
      if (error === null) resolve({ stdout, stderr });
      else reject(new Error(`${command} failed: ${error.message}\n${stderr.slice(-2_000)}`));
    });
  });
}

/** Sums the self cost of the old-generation collector's functions in `callgrind_annotate`'s listing. */
function oldGenerationCollectorCost(listing: string): number {
  let sum = 0;
  for (const line of listing.split('\n')) {
    const entry = /^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$/.exec(line);
    if (entry !== null && OLD_GENERATION_COLLECTOR.test(entry[2]!))
      sum += Number(entry[1]!.replaceAll(',', ''));
  }
  return sum;
}

async function callgrindRun(node: string, worker: string, args: readonly string[]): Promise<CallgrindRun> {
  const directory = mkdtempSync(join(tmpdir(), 'mcpscope-callgrind-'));
  const outFile = join(directory, 'callgrind.out');
  try {
    const { stderr } = await run('valgrind', [
      '--tool=callgrind',
      `--callgrind-out-file=${outFile}`,
      '--trace-children=no',
      node,
      ...INSTRUCTION_NODE_FLAGS,
      '--import',
      'tsx',
      worker,
      ...args,
    ]).catch((error: Error) => {
      throw new Error(`callgrind ${args.join(' ')}: ${error.message}`);
    });
    const collected = /Collected : (\d+)/.exec(stderr);
    if (collected === null)
      throw new Error(`callgrind ${args.join(' ')} printed no total:\n${stderr.slice(-2_000)}`);
    const { stdout } = await run('callgrind_annotate', ['--threshold=100', '--inclusive=no', outFile]);
    return { total: Number(collected[1]), oldGenerationCollector: oldGenerationCollectorCost(stdout) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export async function countInstructions(
  node: { label: string; path: string },
  worker: string,
  scenario: string,
  transport: keyof typeof INSTRUCTION_CALLS,
): Promise<InstructionCount> {
  const { calls, warmup } = INSTRUCTION_CALLS[transport];
  const measure = (count: number) =>
    callgrindRun(node.path, worker, ['instructions', scenario, transport, String(count), String(warmup)]);
  const runs = [await measure(calls[0]), await measure(calls[1])] as const;
  const perCall = (of: (run: CallgrindRun) => number) => (of(runs[1]) - of(runs[0])) / (calls[1] - calls[0]);
  return {
    node: node.label,
    transport,
    scenario,
    instructionsPerCall: perCall((run) => run.total),
    withoutOldGenerationCollections: perCall((run) => run.total - run.oldGenerationCollector),
    totals: [runs[0].total, runs[1].total],
    calls,
  };
}
