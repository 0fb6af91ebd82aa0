/**
 * Every option of the plugin is exercised by a test: each key of `LoggingOptions` in types.ts, and the
 * privacy options it inherits from core's `PrivacyOptions`, must appear as an object key in some other
 * test file of this package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { PrivacyOptions } from '@mcpscope/core';
import { expect, expectTypeOf, it } from 'vitest';

const SOURCE = new URL('./', import.meta.url);
const PRIVACY_OPTIONS = ['recordArguments', 'recordResults', 'maxPayloadLength', 'redact'] as const;

function optionKeys(types: string, name: string): string[] {
  const start = types.indexOf(`export interface ${name}<`);
  if (start === -1) throw new Error(`types.ts has no interface ${name}`);
  const body = types.slice(types.indexOf('{', start) + 1, types.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((match) => match[1]!);
}

it('the inherited privacy options are exactly core’s', () => {
  expectTypeOf<(typeof PRIVACY_OPTIONS)[number]>().toEqualTypeOf<keyof PrivacyOptions>();
});

it('exercises every option in a test', () => {
  const types = readFileSync(new URL('types.ts', SOURCE), 'utf8');
  const tests = readdirSync(SOURCE)
    .filter((file) => file.endsWith('.test.ts') && file !== 'options-coverage.test.ts')
    .map((file) => readFileSync(new URL(file, SOURCE), 'utf8'))
    .join('\n');
  const keys = [...optionKeys(types, 'LoggingOptions'), ...PRIVACY_OPTIONS];
  expect(keys.length).toBe(15);
  const untested = keys.filter(
    (option) =>
      !new RegExp(`(\\b${option}\\s*:|[{,]\\s*${option}\\s*[,}]|\\[?'${option}'\\]?\\s*[:,])`).test(tests),
  );
  expect(untested).toEqual([]);
});
