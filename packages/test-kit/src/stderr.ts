/** Collects what mcpscope writes to stderr while a test runs, still passing it through. */

export interface StderrCapture {
  /** The lines written so far that start with the prefix. */
  lines(): string[];
  restore(): void;
}

export function captureStderr(prefix = '[mcpscope]'): StderrCapture {
  const written: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (original as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  }) as typeof process.stderr.write;
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.startsWith(prefix)),
    restore: () => {
      process.stderr.write = original;
    },
  };
}
