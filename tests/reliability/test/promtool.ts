/** `promtool check metrics` from Debian's prometheus package; fails clearly when it is missing. */
import { spawnSync } from 'node:child_process';

export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const version = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (version.error !== undefined || version.status !== 0) {
    throw new Error(
      "`promtool` was not found on PATH: install Debian's prometheus package " +
        '(apt-get update && apt-get install -y prometheus). The exposition tests need it.',
    );
  }
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
