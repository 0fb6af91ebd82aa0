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

export interface InstructionCount {
  readonly node: string;
  readonly transport: string;
  readonly scenario: string;
  readonly instructionsPerCall: number;
  /** The two totals the figure comes from. */
  readonly totals: readonly [number, number];
  readonly calls: readonly [number, number];
}

/** Calls per run: an HTTP round trip costs many times an in-memory one, so it gets fewer calls. */
export const INSTRUCTION_CALLS = {
  'in-memory': { calls: [5_000, 25_000], warmup: 20_000 },
  http: { calls: [200, 1_000], warmup: 1_000 },
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

function callgrindTotal(node: string, worker: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'valgrind',
      [
        '--tool=callgrind',
        '--callgrind-out-file=/dev/null',
        '--trace-children=no',
        node,
        ...INSTRUCTION_NODE_FLAGS,
        '--import',
        'tsx',
        worker,
        ...args,
      ],
      { maxBuffer: 64 * 1024 * 1024, env: process.env },
      (error, _stdout, stderr) => {
        const collected = /Collected : (\d+)/.exec(stderr);
        if (error !== null || collected === null) {
          reject(
            new Error(`callgrind ${args.join(' ')} failed: ${error?.message ?? ''}\n${stderr.slice(-2_000)}`),
          );
          return;
        }
        resolve(Number(collected[1]));
      },
    );
  });
}

export async function countInstructions(
  node: { label: string; path: string },
  worker: string,
  scenario: string,
  transport: keyof typeof INSTRUCTION_CALLS,
): Promise<InstructionCount> {
  const { calls, warmup } = INSTRUCTION_CALLS[transport];
  const run = (count: number) =>
    callgrindTotal(node.path, worker, ['instructions', scenario, transport, String(count), String(warmup)]);
  const totals = [await run(calls[0]), await run(calls[1])] as const;
  return {
    node: node.label,
    transport,
    scenario,
    instructionsPerCall: (totals[1] - totals[0]) / (calls[1] - calls[0]),
    totals,
    calls,
  };
}
