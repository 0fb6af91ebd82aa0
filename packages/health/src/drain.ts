/**
 * The graceful shutdown sequence: readiness 503 at once; after `delayMs` new requests are refused;
 * in-flight requests get up to `timeoutMs`; every attached server closes (core flushes every plugin);
 * `onShutdown` runs; the process exits 0, or 1 when work was cut off.
 */
import { HEALTH_DIAGNOSTIC_CODES as CODES } from './diagnostic-codes.js';
import type { ServerTracker } from './server-tracker.js';
import type { ShutdownOptions, ShutdownResult, ShutdownTrigger } from './types.js';

const POLL_MS = 20;
const STDOUT_FLUSH_LIMIT_MS = 1_000;

export type ResolvedShutdownOptions = Required<Omit<ShutdownOptions, 'onShutdown'>> & {
  readonly onShutdown: ShutdownOptions['onShutdown'] | undefined;
};

export function resolveShutdownOptions(shutdown: ShutdownOptions | false): ResolvedShutdownOptions {
  const {
    signals = ['SIGTERM', 'SIGINT'],
    stdin = true,
    delayMs = process.env.KUBERNETES_SERVICE_HOST === undefined ? 0 : 5_000,
    timeoutMs = 15_000,
    closeTimeoutMs = 5_000,
    exit = true,
    onShutdown,
  } = shutdown === false ? { signals: [], stdin: false } : shutdown;
  return { signals, stdin, delayMs, timeoutMs, closeTimeoutMs, exit, onShutdown };
}

/** Reports through core's diagnostics channel, as the plugin. */
export type Report = (code: string, message: string, extra?: { error?: unknown; hook?: string }) => void;

export interface DrainDependencies {
  readonly tracker: ServerTracker;
  readonly report: Report;
  /** Called when refusing starts, so the request gate closes. */
  readonly onRefusing: () => void;
}

function isSignal(trigger: ShutdownTrigger): trigger is NodeJS.Signals {
  return trigger !== 'stdin' && trigger !== 'manual';
}

function describe(trigger: ShutdownTrigger): string {
  if (trigger === 'stdin') return 'stdin closed';
  if (trigger === 'manual') return 'shutdown() called';
  return `${trigger} received`;
}

export class Drain {
  trigger: ShutdownTrigger | undefined = undefined;
  /** New requests are refused (after the delay). */
  refusing = false;
  private running: Promise<ShutdownResult> | undefined = undefined;
  /** A second signal arrived: stop waiting and close now. */
  private hurried = false;
  private wake: (() => void) | undefined = undefined;
  private readonly options: ResolvedShutdownOptions;
  private readonly dependencies: DrainDependencies;

  constructor(options: ResolvedShutdownOptions, dependencies: DrainDependencies) {
    this.options = options;
    this.dependencies = dependencies;
  }

  get draining(): boolean {
    return this.trigger !== undefined;
  }

  /** Starts the drain, or joins the running one; a signal during a drain cuts the waiting short. */
  start(trigger: ShutdownTrigger): Promise<ShutdownResult> {
    if (this.running !== undefined) {
      if (isSignal(trigger) && !this.hurried) {
        this.hurried = true;
        this.dependencies.report(CODES.drainHurried, `${describe(trigger)} again: closing without waiting`);
        this.wake?.();
      }
      return this.running;
    }
    this.trigger = trigger;
    this.running = this.run(trigger);
    return this.running;
  }

  private async run(trigger: ShutdownTrigger): Promise<ShutdownResult> {
    const { report, tracker } = this.dependencies;
    const { timeoutMs, closeTimeoutMs, exit, onShutdown } = this.options;
    const started = performance.now();
    const delayMs = trigger === 'stdin' ? 0 : this.options.delayMs;
    report(
      CODES.drainStarted,
      `${describe(trigger)}: draining (readiness 503; new requests refused ` +
        `${delayMs > 0 ? `in ${delayMs} ms` : 'now'}; ${tracker.inFlight} in flight get up to ${timeoutMs} ms)`,
    );
    await this.wait(delayMs, () => false);
    this.refusing = true;
    this.dependencies.onRefusing();
    if (delayMs > 0) {
      report(
        CODES.drainRefusing,
        `${delayMs} ms passed: new requests refused; ${tracker.inFlight} in flight get up to ${timeoutMs} ms`,
      );
    }
    await this.wait(timeoutMs, () => tracker.inFlight === 0);
    const unfinished = tracker.inFlight;
    const timedOut = unfinished > 0;
    if (timedOut) report(CODES.drainTimedOut, `${unfinished} requests still in flight; closing anyway`);
    await this.bounded(
      tracker.closeAll((error) => report(CODES.closeFailed, 'closing a server failed', { error })),
      closeTimeoutMs,
      'closing the servers',
    );
    const exitCode = timedOut ? 1 : 0;
    const result: ShutdownResult = {
      trigger,
      exitCode,
      timedOut,
      unfinished,
      durationMs: Math.round(performance.now() - started),
    };
    if (onShutdown !== undefined) {
      await this.bounded(
        Promise.resolve()
          .then(() => onShutdown(result))
          .catch((error: unknown) =>
            report(CODES.hookFailed, 'onShutdown threw; the drain went on', {
              error,
              hook: 'shutdown.onShutdown',
            }),
          ),
        closeTimeoutMs,
        'onShutdown',
        'shutdown.onShutdown',
      );
    }
    report(
      CODES.drainFinished,
      `drained in ${result.durationMs} ms (${timedOut ? `${unfinished} requests cut off` : 'every request finished'}); ` +
        `${exit ? 'exiting with' : 'exit'} code ${exitCode}`,
    );
    if (exit) {
      await flushStdout();
      process.exit(exitCode);
    }
    return result;
  }

  /** Waits `ms` (keeping the process alive), or less when `done()` holds or a second signal came. */
  private wait(ms: number, done: () => boolean): Promise<void> {
    const deadline = performance.now() + ms;
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const tick = (): void => {
        const left = deadline - performance.now();
        if (this.hurried || done() || left <= 0) finish();
        else timer = setTimeout(tick, Math.min(POLL_MS, left));
      };
      this.wake = finish;
      tick();
    });
  }

  private bounded(work: Promise<void>, limitMs: number, what: string, hook?: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.dependencies.report(
          CODES.closeTimeout,
          `${what} did not finish within ${limitMs} ms`,
          hook === undefined ? {} : { hook },
        );
        resolve();
      }, limitMs);
    });
    return Promise.race([work, limit]).finally(() => clearTimeout(timer));
  }
}

/** Lets responses already handed to stdout (the stdio transport) leave before the process exits. */
async function flushStdout(): Promise<void> {
  const deadline = performance.now() + STDOUT_FLUSH_LIMIT_MS;
  while (process.stdout.writableLength > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
