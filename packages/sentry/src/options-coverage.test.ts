/**
 * Every option of `sentry()` is exercised by at least one test: the option names are read from
 * `SentryOptions` in types.ts (and core's `PrivacyOptions`, which it extends), and each must appear as a
 * key in a test file of this package other than this one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** The `readonly name?:` members of an interface declared in `source`. */
function optionNames(source: string, interfaceName: string): string[] {
  const start = source.indexOf(`export interface ${interfaceName}`);
  if (start === -1) throw new Error(`interface ${interfaceName} not found`);
  const body = source.slice(source.indexOf('{', start) + 1, source.indexOf('\n}', start));
  return [...body.matchAll(/^\s+readonly (\w+)\??:/gm)].map((match) => match[1]!);
}

const types = readFileSync(join(here, 'types.ts'), 'utf8');
const names = [
  ...optionNames(types, 'SentryOptions'),
  ...(/interface SentryOptions extends PrivacyOptions/.test(types)
    ? optionNames(readFileSync(join(here, '../../core/src/privacy.ts'), 'utf8'), 'PrivacyOptions')
    : []),
];
const tests = readdirSync(here)
  .filter((file) => file.endsWith('.test.ts') && file !== 'options-coverage.test.ts')
  .map((file) => readFileSync(join(here, file), 'utf8'));

describe('every option is exercised by a test', () => {
  it('reads the options', () => {
    expect(names).toEqual([
      'toolErrors',
      'captureClientErrors',
      'captureTransportErrors',
      'maxBreadcrumbs',
      'fingerprint',
      'recordUser',
      'beforeCapture',
      'flushOnClose',
      'recordArguments',
      'recordResults',
      'maxPayloadLength',
      'redact',
    ]);
  });

  it.each(names)('%s', (name) => {
    const asKey = new RegExp(`\\b${name}\\s*:`);
    expect(tests.some((source) => asKey.test(source))).toBe(true);
  });
});
