/**
 * A destination that fails (a pipe whose reader exited: EPIPE; a full disk; a transport whose worker
 * died) must neither crash the server nor fail in silence. pino's own destinations swallow EPIPE and
 * drop every later line without a word; a Node stream given as the destination throws its `error`
 * event as an uncaught exception. The plugin listens for `error` on each destination and reports it once
 * through core's diagnostics channel (`MCPSCOPE_LOGGING_DESTINATION_FAILED`).
 */
import { type McpscopePlugin, reportDiagnostic } from '@mcpscope/core';
import pino, { type Logger } from 'pino';
import { LOGGING_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { shared } from './shared-state.js';

interface Emitter {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  /** sonic-boom's file descriptor. */
  fd?: unknown;
  /** pino.multistream members. */
  streams?: readonly { readonly stream: unknown }[];
}

export type DestinationErrorReporter = (error: unknown) => void;

/** Whether a destination reported an error: flushing does not wait for it any more. */
export function hasFailed(destination: object): boolean {
  return shared.failedDestinations.has(destination);
}

/** Reports a failed destination for `plugin`, once (core keeps it to one report per plugin and code). */
export function destinationFailureReporter(plugin: McpscopePlugin): DestinationErrorReporter {
  return (error) =>
    reportDiagnostic(plugin, {
      code: LOGGING_DIAGNOSTIC_CODES.destinationFailed,
      message:
        'the log destination failed; its log lines are being lost (later failures of it are not reported)',
      error,
    });
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
export function watchDestinations(logger: Logger, report: DestinationErrorReporter): void {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  for (const destination of destinationsOf(stream)) {
    if (shared.watchedDestinations.has(destination)) continue;
    shared.watchedDestinations.add(destination);
    let reported = false;
    destination.on('error', (error) => {
      shared.failedDestinations.add(destination);
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
