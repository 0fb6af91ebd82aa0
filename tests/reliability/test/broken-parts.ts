/**
 * Broken parts for the fault tests: a prom-client registry whose metrics throw, span exporters that
 * fail or never answer, a pipe whose reader is gone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';

const METRIC_METHODS = ['labels', 'series', 'observe', 'inc', 'dec', 'set', 'get'] as const;

/**
 * A registry whose metrics throw from every recording and reading method once `broken` is set: prom-client's
 * own and `series`, the plugin's histograms' way in.
 */
export class BrokenRegistry extends Registry {
  broken = false;

  override registerMetric(metric: Parameters<Registry['registerMetric']>[0]): void {
    super.registerMetric(metric);
    const target = metric as unknown as Record<string, unknown>;
    const name = String(target.name);
    for (const method of METRIC_METHODS) {
      const original = target[method];
      if (typeof original !== 'function') continue;
      target[method] = (...args: unknown[]) => {
        if (this.broken) throw new Error(`metric ${name} is broken`);
        return (original as (...args: unknown[]) => unknown).apply(metric, args);
      };
    }
  }
}

/** Every export fails. */
export class FailingExporter implements SpanExporter {
  exports = 0;
  export(_spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exports++;
    done({ code: ExportResultCode.FAILED, error: new Error('collector unreachable') });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Every export hangs: the callback is never called. */
export class HangingExporter implements SpanExporter {
  exports = 0;
  export(_spans: ReadableSpan[], _done: (result: ExportResult) => void): void {
    this.exports++;
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface ClosedPipe {
  /** The write end, as a Node stream (a socket). */
  readonly stream: Writable;
  /** The write end's file descriptor. */
  readonly fd: number;
  close(): void;
}

/**
 * A pipe whose reader has gone: a child process closes its stdin (the read end) and stays alive, so
 * every write to our end fails with EPIPE.
 */
export async function closedPipe(): Promise<ClosedPipe> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', "require('node:fs').closeSync(0); process.stdout.write('closed'); setInterval(() => {}, 60000)"],
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  const stream = child.stdin!;
  const fd = (stream as unknown as { _handle: { fd: number } })._handle.fd;
  return {
    stream,
    fd,
    close: () => {
      child.kill();
    },
  };
}
