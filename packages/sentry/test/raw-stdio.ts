/**
 * Drives a stdio server child process with raw JSON-RPC lines, keeping every byte it writes, so tests
 * can prove stdout carries nothing but protocol messages and can send malformed input on purpose.
 */
import { spawn } from 'node:child_process';

export interface RawStdioChild {
  request(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  notify(method: string, params?: Record<string, unknown>): void;
  writeLine(line: string): void;
  /** Every line written to stdout. */
  readonly stdoutLines: string[];
  stderr(): string;
  /** Ends stdin and resolves with the exit code once the child exited. */
  end(): Promise<number | null>;
}

export function spawnRawStdio(script: string, args: readonly string[]): RawStdioChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SENTRY_DEBUG: '' },
  });
  const stdoutLines: string[] = [];
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  let stderr = '';
  let partial = '';
  let nextId = 1;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    let newline = partial.indexOf('\n');
    while (newline !== -1) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      stdoutLines.push(line);
      try {
        const message = JSON.parse(line) as Record<string, unknown>;
        if (typeof message.id === 'number') pending.get(message.id)?.(message);
      } catch {
        // Kept in stdoutLines; the test fails on it.
      }
      newline = partial.indexOf('\n');
    }
  });

  const writeLine = (line: string): void => {
    child.stdin.write(`${line}\n`);
  };
  return {
    stdoutLines,
    stderr: () => stderr,
    writeLine,
    request(method, params) {
      const id = nextId++;
      const answered = new Promise<Record<string, unknown>>((resolve) => pending.set(id, resolve));
      writeLine(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
      return answered;
    },
    notify(method, params) {
      writeLine(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }));
    },
    async end() {
      child.stdin.end();
      return exited;
    },
  };
}
