#!/usr/bin/env node
// Lists the mutants a package's last Stryker run left alive (survived or not covered), one per line:
// status, line:column, mutator, the replacement, and the source line. Usage:
//   node scripts/mutation-survivors.mjs packages/metrics
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const packageDirectory = process.argv[2];
if (packageDirectory === undefined) {
  process.stderr.write('usage: node scripts/mutation-survivors.mjs <package directory>\n');
  process.exit(2);
}
const report = JSON.parse(readFileSync(join(packageDirectory, 'reports/mutation/mutation.json'), 'utf8'));
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  const lines = source.split('\n');
  const alive = mutants
    .filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage')
    .sort((a, b) => a.location.start.line - b.location.start.line);
  process.stdout.write(`${file}: ${alive.length} alive\n`);
  for (const { status, location, mutatorName, replacement } of alive) {
    const { line, column } = location.start;
    const shown = JSON.stringify(replacement ?? '').slice(0, 70);
    process.stdout.write(
      `  ${status} ${line}:${column} ${mutatorName} -> ${shown}  | ${lines[line - 1].trim().slice(0, 100)}\n`,
    );
  }
}
