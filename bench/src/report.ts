/** The Markdown the README shows: the tables, the targets, the memory run, instruction counts. */
import type { InstructionCount } from './instructions.js';
import type { MemoryResult } from './memory.js';
import { SCENARIO_DESCRIPTIONS } from './scenarios.js';
import type { ScrapeInput, TargetResult } from './targets.js';

export interface Summary {
  readonly node: string;
  readonly transport: string;
  readonly scenario: string;
  readonly perCallMicros: number;
  readonly perCallRatio: number;
  readonly cpuPerCallMicros: number;
  readonly cpuPerCallRatio: number;
  readonly throughput: number;
  readonly throughputRatio: number;
  readonly addedSequentialP99Micros: number;
  readonly addedConcurrentP99Micros: number;
  readonly rssMegabytes: number;
}

export type ScrapeResult = ScrapeInput;

export interface ReportInput {
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel?: string | undefined;
    readonly loadAverageAtStart: number[];
  };
  readonly table?: {
    readonly command: string;
    readonly date: string;
    readonly method: { readonly rounds: number; readonly sequentialCallsPerRound: Record<string, number> };
    readonly summaries: readonly Summary[];
    readonly scrapes: readonly ScrapeResult[];
    readonly targets: readonly TargetResult[];
    readonly problems: readonly string[];
  };
  readonly memory?: readonly MemoryResult[];
  readonly instructions?: readonly (InstructionCount & {
    readonly ratio: number;
    readonly ratioWithoutOldGenerationCollections: number;
  })[];
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const signed = (value: number) =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(0)}` : 'n/a';

function groupBy<Row>(rows: readonly Row[], key: (row: Row) => string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

function tableSection(table: NonNullable<ReportInput['table']>, machine: ReportInput['machine']): string[] {
  const lines = [
    `Command: \`${table.command}\` (${table.date.slice(0, 10)}; ${machine.cpus} × ${machine.cpuModel ?? 'CPU'}, ` +
      `load average ${machine.loadAverageAtStart.join(' / ')} at the start). Medians of ${table.method.rounds} ` +
      `fresh processes per row, scenarios interleaved; ${table.method.sequentialCallsPerRound['in-memory']} ` +
      `sequential calls × 5 rounds per process in memory, ${table.method.sequentialCallsPerRound.http} over HTTP. ` +
      'CPU: the server process, per sequential call (in memory it includes the client).',
  ];
  lines.push('', '| scenario | what is attached |', '|---|---|');
  for (const scenario of new Set(table.summaries.map((row) => row.scenario))) {
    lines.push(`| ${scenario} | ${SCENARIO_DESCRIPTIONS[scenario] ?? ''} |`);
  }
  const groups = groupBy(table.summaries, (row) => `Node ${row.node}, ${row.transport}`);
  for (const [title, group] of groups) {
    lines.push(`\n### ${title}\n`);
    lines.push(
      '| scenario | µs per call | × bare | CPU µs per call | × bare | calls/s (32 in flight) | × bare | added p99, sequential | added p99, 32 in flight | peak RSS MB |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of group) {
      lines.push(
        `| ${row.scenario} | ${fixed(row.perCallMicros, 1)} | ${fixed(row.perCallRatio, 2)} | ${fixed(row.cpuPerCallMicros, 1)} | ${fixed(row.cpuPerCallRatio, 2)} | ${fixed(row.throughput, 0)} | ${fixed(row.throughputRatio, 2)} | ${signed(row.addedSequentialP99Micros)} µs | ${signed(row.addedConcurrentP99Micros)} µs | ${fixed(row.rssMegabytes, 0)} |`,
      );
    }
  }
  if (table.scrapes.length > 0) {
    lines.push('\n### /metrics scrape\n');
    lines.push('| node | format | series | ms per scrape (median of 100) |');
    lines.push('|---|---|---:|---:|');
    for (const scrape of table.scrapes) {
      for (const [format, figures] of Object.entries(scrape.scrape)) {
        lines.push(
          `| ${scrape.node} | ${format} | ${figures.series} | ${fixed(figures.medianMilliseconds, 2)} |`,
        );
      }
    }
  }
  if (table.targets.length > 0) {
    lines.push('\n### Targets (ratios to bare from the same run)\n');
    lines.push('| target | node | measured | on CPU time | met |');
    lines.push('|---|---|---:|---:|---|');
    for (const target of table.targets) {
      const cpu = target.cpuValue === undefined ? '' : fixed(target.cpuValue, 2);
      lines.push(
        `| ${target.informational ? `(context) ${target.target}` : target.target} | ${target.node} | ${fixed(target.value, 2)} | ${cpu} | ${target.met ? 'yes' : '**no**'} |`,
      );
    }
  }
  if (table.problems.length > 0) {
    lines.push('\n### Problems\n');
    for (const problem of table.problems) lines.push(`- ${problem}`);
  }
  return lines;
}

function memorySection(memory: readonly MemoryResult[]): string[] {
  const requests = memory[0]?.requests.toLocaleString('en-US') ?? '';
  const lines = [`\n### Memory: ${requests} requests with all five plugins (in memory, 32 in flight)\n`];
  lines.push(
    '| node | requests | heap after first checkpoint | heap after last | growth | limit | in flight after | peak RSS MB | met |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---|---:|---|');
  for (const result of memory) {
    const first = result.heap[0];
    const last = result.heap.at(-1);
    const inFlight = Object.entries(result.inFlightAfter)
      .map(([gauge, value]) => `${gauge} ${value}`)
      .join(', ');
    lines.push(
      `| ${result.node} | ${result.requests} | ${fixed(first?.heapUsedMegabytes ?? Number.NaN, 2)} MB (${first?.requests}) | ${fixed(last?.heapUsedMegabytes ?? Number.NaN, 2)} MB | ${fixed(result.heapGrowthMegabytes, 2)} MB | ${result.heapGrowthLimitMegabytes} MB | ${inFlight} | ${fixed(result.rssMegabytes, 0)} | ${result.met ? 'yes' : '**no**'} |`,
    );
  }
  return lines;
}

function instructionsSection(counts: NonNullable<ReportInput['instructions']>): string[] {
  const lines = ['\n### Instructions per call (callgrind, `node --predictable`)\n'];
  lines.push(
    '| node | transport | scenario | instructions per call | × bare | without old-generation collections | × bare |',
  );
  lines.push('|---|---|---|---:|---:|---:|---:|');
  for (const count of counts) {
    lines.push(
      `| ${count.node} | ${count.transport} | ${count.scenario} | ${fixed(count.instructionsPerCall / 1_000, 1)} k | ${fixed(count.ratio, 3)} | ${fixed(count.withoutOldGenerationCollections / 1_000, 1)} k | ${fixed(count.ratioWithoutOldGenerationCollections, 3)} |`,
    );
  }
  return lines;
}

export function formatReport(input: ReportInput): string {
  const lines: string[] = [];
  if (input.table !== undefined) lines.push(...tableSection(input.table, input.machine));
  if (input.memory !== undefined) lines.push(...memorySection(input.memory));
  if (input.instructions !== undefined) lines.push(...instructionsSection(input.instructions));
  return `${lines.join('\n')}\n`;
}
