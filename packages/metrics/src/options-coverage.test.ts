/**
 * Every option of both plugins is exercised by a test: each key of the option interfaces must appear as
 * an object key in some other test file of this package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const SOURCE = new URL('./', import.meta.url);
const INTERFACES: Readonly<Record<string, readonly string[]>> = {
  'types.ts': ['RecordingOptions', 'CustomLabel'],
  'prometheus-types.ts': ['MetricsOptions', 'ClusterMetricsOptions'],
  'open-telemetry-types.ts': ['OpenTelemetryMetricsOptions'],
};

function optionKeys(types: string, name: string): string[] {
  const start = types.indexOf(`export interface ${name} `);
  if (start === -1) throw new Error(`no interface ${name}`);
  const body = types.slice(types.indexOf('{', start) + 1, types.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((match) => match[1]!);
}

it('exercises every option in a test', () => {
  const tests = readdirSync(SOURCE)
    .filter((file) => file.endsWith('.test.ts') && file !== 'options-coverage.test.ts')
    .map((file) => readFileSync(new URL(file, SOURCE), 'utf8'))
    .join('\n');
  const keys = Object.entries(INTERFACES).flatMap(([file, names]) => {
    const types = readFileSync(new URL(file, SOURCE), 'utf8');
    return names.flatMap((name) => optionKeys(types, name).map((key) => `${name}.${key}`));
  });
  expect(keys.length).toBe(20);
  const untested = keys.filter((key) => {
    const option = key.split('.')[1]!;
    return !new RegExp(`(\\b${option}\\s*:|[{,]\\s*${option}\\s*[,}]|\\[?'${option}'\\]?\\s*[:,])`).test(
      tests,
    );
  });
  expect(untested).toEqual([]);
});
