/**
 * No line is lost when the process ends right after a burst: the plugin's default logger (stderr) in a
 * child process whose stderr is a file or a pipe, ended by process.exit(), by close() then exit, or by
 * an uncaught exception.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../test/burst-then-exit.ts', import.meta.url));
const REQUESTS = 500;

interface Ended {
  readonly code: number | null;
  readonly stderr: string;
}

function run(mode: string, stderr: 'file' | 'pipe'): Promise<Ended> {
  const directory = mkdtempSync(join(tmpdir(), 'mcpscope-logging-exit-'));
  const file = join(directory, 'stderr');
  const fd = stderr === 'file' ? openSync(file, 'w') : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, String(REQUESTS), mode], {
      stdio: ['ignore', 'ignore', fd ?? 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'info' },
    });
    if (fd !== undefined) closeSync(fd);
    let piped = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      piped += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const text = fd === undefined ? piped : readFileSync(file, 'utf8');
      rmSync(directory, { recursive: true, force: true });
      resolve({ code, stderr: text });
    });
  });
}

const requestLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['mcp.method.name'] === 'tools/call' && line['mcp.request.outcome'] === 'ok');

describe.each(['file', 'pipe'] as const)('stderr a %s', (stderr) => {
  it.each([
    ['exit', 0],
    ['close', 0],
    ['crash', 1],
  ] as const)(`${REQUESTS} answers then %s: exactly ${REQUESTS} request lines`, async (mode, code) => {
    const ended = await run(mode, stderr);
    expect(ended.code).toBe(code);
    const lines = requestLines(ended.stderr);
    expect(lines).toHaveLength(REQUESTS);
    expect(new Set(lines.map((line) => line['jsonrpc.request.id'])).size).toBe(REQUESTS);
  });
});
