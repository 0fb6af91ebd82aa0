/**
 * vitest globalSetup: the two-copies test loads this package's own ESM and CommonJS builds; rebuild them
 * when any source file is newer than the build (CI builds every package before testing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const builds = ['dist/index.js', 'dist/index.cjs'].map((file) => `${packageRoot}${file}`);

function newestSource(): number {
  const directory = `${packageRoot}src`;
  return Math.max(
    ...readdirSync(directory)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => statSync(`${directory}/${file}`).mtimeMs),
  );
}

export default function buildIfStale(): void {
  const built = builds.every(existsSync) ? Math.min(...builds.map((file) => statSync(file).mtimeMs)) : 0;
  if (built > newestSource()) return;
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: packageRoot, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`building @mcpscope/logging failed:\n${result.stdout}${result.stderr}`);
}
