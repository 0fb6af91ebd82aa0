/** Runs the stdio fixture with raw bytes on stdin and returns exactly what it wrote on stdout and stderr. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SdkVersion } from '@mcpscope/test-kit';

const STDIO_SERVER = fileURLToPath(new URL('./fixtures/stdio-server.ts', import.meta.url));

export interface RawStdioRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/**
 * Writes each chunk to the child's stdin, waiting until the child has answered `expectedAnswers` lines
 * (or `settleMs` passed) before ending stdin.
 */
export async function runRawStdio(
  sdk: SdkVersion,
  variant: 'bare' | 'observed' | 'throwing',
  chunks: readonly string[],
  expectedAnswers: number,
  settleMs = 10_000,
): Promise<RawStdioRun> {
  const directory = mkdtempSync(join(tmpdir(), 'mcpscope-raw-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      STDIO_SERVER,
      sdk,
      join(directory, 'events.jsonl'),
      ...(variant === 'observed' ? [] : [variant]),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  for (const chunk of chunks) child.stdin.write(chunk);
  const deadline = Date.now() + settleMs;
  while (
    stdout.split('\n').filter((line) => line.length > 0).length < expectedAnswers &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.stdin.end();
  const exitCode = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  rmSync(directory, { recursive: true, force: true });
  return { stdout, stderr, exitCode };
}
