/**
 * Flushing a pino logger's destination so every line written so far has reached it: sonic-boom files
 * (sync or async, buffered or not), pino.multistream, transports (thread-stream) and Node streams.
 */
import pino, { type Logger } from 'pino';
import { hasFailed } from './destination-errors.js';

const SETTLE_POLL_MS = 20;
/** A destination that stays busy longer than this is given up on (core also limits `close`). */
const SETTLE_LIMIT_MS = 10_000;

interface FlushableStream {
  flush?(callback: (error?: Error) => void): void;
  /** pino.multistream */
  streams?: readonly { readonly stream: unknown }[];
  /** sonic-boom internals: a write or the open is in flight, bytes are buffered. */
  _writing?: boolean;
  _len?: number;
  /** Node streams (e.g. `process.stderr` given as the destination): bytes not yet handed to the OS. */
  writableLength?: number;
  destroyed?: boolean;
  once?(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
}

function callFlush(stream: FlushableStream): Promise<void> {
  return new Promise((resolve) => {
    try {
      stream.flush!(() => resolve());
    } catch {
      resolve();
    }
  });
}

function isBusy(stream: FlushableStream): boolean {
  // A destination that failed (EPIPE) keeps its unwritten bytes forever: waiting would only time out.
  return (
    stream.destroyed !== true &&
    !hasFailed(stream) &&
    (stream._writing === true || (stream._len ?? 0) > 0 || (stream.writableLength ?? 0) > 0)
  );
}

/** Waits for the next event that can end a sonic-boom write, or a short poll. */
function nextSettleEvent(stream: FlushableStream): Promise<void> {
  return new Promise((resolve) => {
    const events = ['drain', 'ready', 'error', 'close'];
    const done = (): void => {
      clearTimeout(timer);
      for (const event of events) stream.off?.(event, done);
      resolve();
    };
    const timer = setTimeout(done, SETTLE_POLL_MS);
    for (const event of events) stream.once?.(event, done);
  });
}

/**
 * sonic-boom's `flush(callback)` answers at once for an unbuffered async destination, even with a write
 * in flight; wait until it is idle.
 */
async function settle(stream: FlushableStream): Promise<void> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (isBusy(stream) && Date.now() < deadline) {
    if (!stream._writing && typeof stream.flush === 'function') await callFlush(stream);
    // Always wait for an event or the poll timer: a destination stuck after an error must not spin.
    if (isBusy(stream)) await nextSettleEvent(stream);
  }
}

async function flushStream(stream: unknown): Promise<void> {
  if (typeof stream !== 'object' || stream === null) return;
  const flushable = stream as FlushableStream;
  if (Array.isArray(flushable.streams)) {
    await Promise.all(flushable.streams.map((entry) => flushStream(entry.stream)));
    return;
  }
  if (typeof flushable.flush === 'function') await callFlush(flushable);
  await settle(flushable);
}

/** Resolves once every line the logger wrote so far has reached its destination (or it failed). */
export function flushLogger(logger: Logger): Promise<void> {
  return flushStream((logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym]);
}
