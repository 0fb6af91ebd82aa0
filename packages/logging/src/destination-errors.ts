/**
 * A destination that fails (a pipe whose reader exited: EPIPE; a full disk; a transport whose worker
 * died) must neither crash the server nor fail in silence. pino's own destinations swallow EPIPE and
 * drop every later line without a word; a Node stream given as the destination throws its `error`
 * event as an uncaught exception. The plugin listens for `error` on each destination and says so once,
 * on stderr.
 */
import pino, { type Logger } from 'pino';

interface Emitter {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  /** sonic-boom's file descriptor. */
  fd?: unknown;
  /** pino.multistream members. */
  streams?: readonly { readonly stream: unknown }[];
}

export type DestinationErrorReporter = (error: unknown) => void;

const watched = new WeakSet<object>();
const failed = new WeakSet<object>();

/** Whether a destination reported an error: flushing does not wait for it any more. */
export function hasFailed(destination: object): boolean {
  return failed.has(destination);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code)
    ? `${code}: ${error.message}`
    : error.message;
}

export function writeDestinationError(error: unknown): void {
  process.stderr.write(
    `[mcpscope] @mcpscope/logging: the log destination failed (${describe(error)}); ` +
      'log lines are being lost. Later failures of this destination are not reported.\n',
  );
}

/** The destination itself is stderr: a report would go where the failure is. */
function isStderr(stream: Emitter): boolean {
  return stream === (process.stderr as unknown) || stream.fd === 2;
}

function destinationsOf(stream: unknown): Emitter[] {
  if (typeof stream !== 'object' || stream === null) return [];
  const emitter = stream as Emitter;
  if (Array.isArray(emitter.streams)) return emitter.streams.flatMap((entry) => destinationsOf(entry.stream));
  return typeof emitter.on === 'function' ? [emitter] : [];
}

/** Listens for `error` on every destination of the logger (once per destination, however many plugins). */
export function watchDestinations(
  logger: Logger,
  report: DestinationErrorReporter = writeDestinationError,
): void {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  for (const destination of destinationsOf(stream)) {
    if (watched.has(destination)) continue;
    watched.add(destination);
    let reported = false;
    destination.on('error', (error) => {
      failed.add(destination);
      if (reported) return;
      reported = true;
      if (isStderr(destination)) return;
      try {
        report(error);
      } catch {
        // Reporting must not fail the write that failed.
      }
    });
  }
}
