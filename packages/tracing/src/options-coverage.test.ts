/**
 * Every option of `tracing()` is exercised by at least one test: the keys of `TracingOptions` (read from
 * types.ts, with the privacy options it takes from core) must each appear as an option in a test file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const source = fileURLToPath(new URL('.', import.meta.url));
const coreSource = fileURLToPath(new URL('../../core/src/privacy.ts', import.meta.url));

/** The `readonly name?:` members of an interface, and the interfaces it extends. */
function interfaceMembers(text: string, name: string): { members: string[]; extends: string[] } {
  const match = new RegExp(`export interface ${name}(?: extends ([\\w, ]+))? \\{([\\s\\S]*?)\\n\\}`).exec(
    text,
  );
  if (match === null) throw new Error(`no interface ${name}`);
  const members = [...match[2]!.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((member) => member[1]!);
  const parents = match[1] === undefined ? [] : match[1].split(',').map((parent) => parent.trim());
  return { members, extends: parents };
}

function tracingOptionNames(): string[] {
  const own = interfaceMembers(readFileSync(join(source, 'types.ts'), 'utf8'), 'TracingOptions');
  expect(own.extends).toEqual(['PrivacyOptions']);
  const privacy = interfaceMembers(readFileSync(coreSource, 'utf8'), 'PrivacyOptions');
  return [...own.members, ...privacy.members];
}

describe('options coverage', () => {
  it('every option of TracingOptions is set in some test file of this package', () => {
    const names = tracingOptionNames();
    expect(names).toHaveLength(14);
    const tests = readdirSync(source)
      .filter((file) => file.endsWith('.test.ts') && file !== basename(fileURLToPath(import.meta.url)))
      .map((file) => readFileSync(join(source, file), 'utf8'));
    // Set as an option: `name: value`, or shorthand `{ name }` / `{ name, ...}`.
    const unexercised = names.filter(
      (name) => !tests.some((text) => new RegExp(`[{,(]\\s*${name}\\s*[:,}]`).test(text)),
    );
    expect(unexercised).toEqual([]);
  });
});
