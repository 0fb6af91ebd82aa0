#!/usr/bin/env node
/**
 * Keeps the code in the READMEs identical to the examples it comes from. A README block
 *
 *   <!-- snippet: examples/http-server/src/plugins.ts#metrics -->
 *   ```ts
 *   ...
 *   ```
 *
 * is replaced by the lines between `// #region metrics` and `// #endregion metrics` in that file.
 * `node scripts/snippets.mjs` rewrites the READMEs; `--check` fails if any of them drifted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const READMES = [
  'README.md',
  'packages/core/README.md',
  'packages/metrics/README.md',
  'packages/tracing/README.md',
  'packages/logging/README.md',
  'packages/sentry/README.md',
  'packages/health/README.md',
  'packages/rate-limit/README.md',
  'examples/http-server/README.md',
  'examples/stdio-server/README.md',
  'examples/v2-server/README.md',
  'examples/tenant/README.md',
];

const MARKER = /<!-- snippet: ([^#\s]+)#([\w-]+) -->\n```(\w*)\n(?:[\s\S]*?\n)??```/g;

function region(file, name) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  const end = lines.findIndex((line, index) => index > start && line.trim() === `// #endregion ${name}`);
  if (start === -1 || end === -1) throw new Error(`${file} has no region "${name}"`);
  const body = lines.slice(start + 1, end).filter((line) => !/^\s*\/\/ #(end)?region /.test(line));
  while (body.length > 0 && body.at(-1).trim() === '') body.pop();
  const indent = Math.min(
    ...body.filter((line) => line.trim() !== '').map((line) => line.match(/^ */)[0].length),
  );
  return body.map((line) => line.slice(indent)).join('\n');
}

let drifted = 0;
let blocks = 0;
for (const readme of READMES) {
  const path = join(root, readme);
  const text = readFileSync(path, 'utf8');
  const updated = text.replace(MARKER, (_block, file, name, language) => {
    blocks++;
    return `<!-- snippet: ${file}#${name} -->\n\`\`\`${language || 'ts'}\n${region(file, name)}\n\`\`\``;
  });
  if (updated === text) continue;
  drifted++;
  if (check)
    process.stderr.write(
      `${relative(root, path)}: code differs from the examples (run node scripts/snippets.mjs)\n`,
    );
  else writeFileSync(path, updated);
}
if (check && drifted > 0) process.exit(1);
process.stderr.write(`${blocks} README snippets ${check ? 'match' : 'written from'} the examples\n`);
