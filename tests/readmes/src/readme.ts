/** What a README says a reader should do: its install line and its usage snippets. */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** The packages `npm install @mcpscope/...` can fetch: everything else under @mcpscope is private. */
export const PUBLISHED = ['core', 'metrics', 'tracing', 'logging', 'sentry', 'health', 'rate-limit'].map(
  (folder) => ({ folder, name: `@mcpscope/${folder}` }),
);

export interface Snippet {
  /** The `<!-- snippet: file#region -->` marker above the block, if any. */
  readonly source: string | undefined;
  readonly code: string;
}

export interface Readme {
  readonly path: string;
  /** The first `npm install ...` line of the README's ```sh blocks, as written. */
  readonly installLine: string | undefined;
  /** The package names that line installs. */
  readonly installs: readonly string[];
  /** The ```ts blocks of its `## Usage` section, in order. */
  readonly usage: readonly Snippet[];
  /** Every ```ts block of the README. */
  readonly snippets: readonly Snippet[];
}

const TS_BLOCK = /(?:<!-- snippet: (\S+) -->\n)?```ts\n([\s\S]*?)\n```/g;

function tsBlocks(markdown: string): Snippet[] {
  return [...markdown.matchAll(TS_BLOCK)].map(([, source, code]) => ({ source, code: code! }));
}

export function readReadme(path: string): Readme {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const installLine = [...text.matchAll(/```sh\n([\s\S]*?)\n```/g)]
    .flatMap(([, body]) => body!.split('\n'))
    .map((line) => line.replace(/#.*$/, '').trim())
    .find((line) => line.startsWith('npm install '));
  const installs = installLine
    ?.split(/\s+/)
    .slice(2)
    .filter((word) => !word.startsWith('-'));
  const usageSection = /^## Usage\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1] ?? '';
  return {
    path,
    installLine,
    installs: installs ?? [],
    usage: tsBlocks(usageSection),
    snippets: tsBlocks(text),
  };
}

/** The package a module specifier names (`@scope/name/sub.js` is `@scope/name`); undefined for builtins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The packages the code imports (static `import ... from`, side-effect imports and `import()`). */
export function importedPackages(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map(([, specifier]) => specifier!);
  return [...new Set(specifiers.map(packageOf).filter((name): name is string => name !== undefined))].sort();
}
