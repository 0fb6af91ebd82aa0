/**
 * Every option of the plugin is exercised by a test: each key of the option interfaces in types.ts must
 * appear as an object key in some other test file of this package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const SOURCE = new URL('./', import.meta.url);
const INTERFACES = [
  'RateLimitOptions',
  'RuleOptions',
  'TargetRuleOptions',
  'RefusalCheckOptions',
  'RedisStoreOptions',
  'MemoryStoreOptions',
];

function optionKeys(types: string, name: string): string[] {
  const start = types.indexOf(`export interface ${name} `);
  if (start === -1) throw new Error(`types.ts has no interface ${name}`);
  const body = types.slice(types.indexOf('{', start) + 1, types.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((match) => match[1]!);
}

it('exercises every option in a test', () => {
  const types = readFileSync(new URL('types.ts', SOURCE), 'utf8');
  const tests = readdirSync(SOURCE)
    .filter((file) => file.endsWith('.test.ts') && file !== 'options-coverage.test.ts')
    .map((file) => readFileSync(new URL(file, SOURCE), 'utf8'))
    .join('\n');
  const keys = INTERFACES.flatMap((name) => optionKeys(types, name).map((key) => `${name}.${key}`));
  expect(keys.length).toBe(30);
  const untested = keys.filter((key) => {
    const option = key.split('.')[1]!;
    return !new RegExp(`(\\b${option}\\s*:|[{,]\\s*${option}\\s*[,}]|\\[?'${option}'\\]?\\s*[:,])`).test(
      tests,
    );
  });
  expect(untested).toEqual([]);
});
