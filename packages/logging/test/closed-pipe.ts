/** A pipe whose reader is gone: a child process closes its stdin and stays alive, so writes fail with EPIPE. */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface ClosedPipe {
  /** Our write end, as a Node stream. */
  readonly stream: Writable;
  /** Our write end's file descriptor. */
  readonly fd: number;
  close(): void;
}

export async function closedPipe(): Promise<ClosedPipe> {
  const child = spawn(
    process.execPath,
    ['-e', "require('node:fs').closeSync(0); process.stdout.write('closed'); setInterval(() => {}, 60000)"],
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const stream = child.stdin;
  return {
    stream,
    fd: (stream as unknown as { _handle: { fd: number } })._handle.fd,
    close: () => {
      child.kill();
    },
  };
}
