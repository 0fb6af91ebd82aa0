import type { TargetResult } from './targets.js';

interface Row {
  readonly node: string;
  readonly transport: string;
  readonly scenario: string;
  readonly perCallMicros: number;
  readonly perCallRatio: number;
  readonly throughput: number;
  readonly throughputRatio: number;
  readonly addedConcurrentP99Micros: number;
  readonly rssMegabytes: number;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** The Markdown tables the README shows. */
export function formatReport(rows: readonly Row[], targets: readonly TargetResult[]): string {
  const lines: string[] = [];
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `Node ${row.node}, ${row.transport}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const [title, group] of groups) {
    lines.push(`\n### ${title}\n`);
    lines.push(
      '| scenario | µs per call (sequential) | × bare | calls/s (32 in flight) | × bare | added p99 (32 in flight) | RSS MB |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const row of group) {
      lines.push(
        `| ${row.scenario} | ${fixed(row.perCallMicros, 1)} | ${fixed(row.perCallRatio, 2)} | ${fixed(row.throughput, 0)} | ${fixed(row.throughputRatio, 2)} | ${fixed(row.addedConcurrentP99Micros, 0)} µs | ${fixed(row.rssMegabytes, 0)} |`,
      );
    }
  }
  if (targets.length > 0) {
    lines.push('\n### Targets\n');
    lines.push('| target | node | measured | met |');
    lines.push('|---|---|---:|---|');
    for (const target of targets) {
      lines.push(
        `| ${target.target} | ${target.node} | ${fixed(target.value, 2)} | ${target.met ? 'yes' : 'no'} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
