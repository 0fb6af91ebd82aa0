/** Collects what mcpscope writes to stderr (lines starting `[mcpscope]`) while a test runs. */
import { vi } from 'vitest';

export interface StderrCapture {
  /** The `[mcpscope]` lines written so far. */
  lines(): string[];
  restore(): void;
}

export function captureStderr(): StderrCapture {
  const written: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write);
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('[mcpscope]')),
    restore: () => spy.mockRestore(),
  };
}
