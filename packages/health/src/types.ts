import type { McpscopePlugin, RouteHandler } from '@mcpscope/core';

/** A check's status, as in the Health Check Response Format for HTTP APIs draft. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** What a check may return. Every field is optional; a bare object means `pass`. */
export interface CheckResult {
  readonly status?: CheckStatus;
  /** Any JSON value: a number, a boolean, a short string. */
  readonly observedValue?: unknown;
  readonly observedUnit?: string;
  /** Why the check warned or failed (shown with `?verbose`). */
  readonly output?: string;
  readonly componentId?: string;
  readonly componentType?: string;
}

/** Handed to every check run. `signal` aborts when the check's timeout passes. */
export interface CheckContext {
  readonly signal: AbortSignal;
}

/**
 * A health check: return nothing or `true` to pass, `false` to fail, or a `CheckResult`. A check that
 * throws (or rejects) fails with the error's message as its output; one that does not settle within its
 * timeout fails with `timed out after N ms` and never delays the probe further.
 */
export type CheckFunction = (context: CheckContext) => CheckReturn | Promise<CheckReturn>;

/** `void` (nothing) or `true` passes, `false` fails, a `CheckResult` says more. */
// biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => { await ping(); }` be a check.
export type CheckReturn = CheckResult | boolean | undefined | void;

/**
 * Where a check counts: `readiness` (default) runs on `/readyz`; `liveness` runs on `/livez` and
 * `/readyz`; `startup` runs on `/readyz` until it passes once, and is not run again after that.
 */
export type CheckKind = 'readiness' | 'liveness' | 'startup';

export interface CheckDefinition {
  readonly check: CheckFunction;
  /** Default `readiness`. */
  readonly kind?: CheckKind;
  /** Per-check time limit. Default: the `checkTimeoutMs` option. */
  readonly timeoutMs?: number;
  /** Reuse a result for this long (probes in between do not call the check). Default: `cacheMs`. */
  readonly cacheMs?: number;
  /** When false, a failure only warns (the probe stays 200). Default true. */
  readonly critical?: boolean;
}

/** Warn and fail levels of a built-in check; a level left out is never reached. */
export interface Thresholds {
  readonly warn?: number;
  readonly fail?: number;
}

export interface LoadSheddingOptions {
  /** New requests are refused while the mean event-loop delay of the last sample is above this. */
  readonly maxEventLoopDelayMs: number;
  /** Sent to clients as `error.data.retryAfterMs`. Default 10000 (under-pressure's `retryAfter`). */
  readonly retryAfterMs?: number;
  /** The JSON-RPC error message. Default `Server overloaded, retry later`. */
  readonly message?: string;
}

export interface ShutdownOptions {
  /** Signals that start the drain. Default `['SIGTERM', 'SIGINT']`; `[]` installs no handler. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Drain when a stdio server's stdin ends (the parent closed it). Default true. */
  readonly stdin?: boolean;
  /**
   * How long new requests are still accepted after readiness turned 503, so load balancers stop sending
   * traffic first. Default 5000 when running in Kubernetes (`KUBERNETES_SERVICE_HOST` set), else 0.
   * Not applied when stdin closed (no request can arrive any more).
   */
  readonly delayMs?: number;
  /** How long in-flight requests may take to finish once new ones are refused. Default 15000. */
  readonly timeoutMs?: number;
  /** Time limit for closing the servers (and flushing every plugin) and for `onShutdown`. Default 5000. */
  readonly closeTimeoutMs?: number;
  /** Exit the process at the end: 0 when every request finished, 1 when the timeout cut work off. Default true. */
  readonly exit?: boolean;
  /** Runs after the servers closed, before the exit (close database pools, HTTP servers). */
  readonly onShutdown?: (result: ShutdownResult) => void | Promise<void>;
}

export interface HealthOptions {
  /** Named checks, keyed `component:measurement` by convention (`postgres:connections`). */
  readonly checks?: Readonly<Record<string, CheckFunction | CheckDefinition>>;
  /** Default time limit of each check. Keep it below the probe's `timeoutSeconds`. Default 500. */
  readonly checkTimeoutMs?: number;
  /** Default cache interval of each check. Default 0 (run on every probe). */
  readonly cacheMs?: number;
  /** Whether `?verbose` may show each check (and failing bodies name them). Default true. */
  readonly details?: boolean;
  /**
   * When set, `?verbose` answers 401 unless the request carries `Authorization: Bearer <token>`.
   * Plain probes (status, and the names of failing checks) stay open. Default: none.
   */
  readonly verboseToken?: string;
  /**
   * Whether readiness needs an open MCP transport. `'auto'` (default): needed while every transport
   * seen so far is stdio or in-memory; never needed once a Streamable HTTP or SSE transport connected,
   * nor before any server was attached (an HTTP app that builds servers per session or per request).
   */
  readonly requireConnection?: boolean | 'auto';
  /** Start marked ready. Set false to stay unready until `markReady()` (lightship's `signalReady`). Default true. */
  readonly markedReady?: boolean;
  /** Mean event-loop delay in ms (perf_hooks). Default `{ warn: 200, fail: 1000 }`; false drops the check. */
  readonly eventLoopDelay?: Thresholds | false;
  /** How often the event-loop delay is sampled. Default 1000. */
  readonly sampleIntervalMs?: number;
  /** V8 heap used, in bytes. Default `{ warn: 90% of the heap size limit }`; false drops the check. */
  readonly heapUsed?: Thresholds | false;
  /** Resident set size, in bytes. Default `{}` (reported, never warns); false drops the check. */
  readonly rss?: Thresholds | false;
  /** Requests in flight across the attached servers. Default `{}` (reported only); false drops the check. */
  readonly inFlight?: Thresholds | false;
  /** Refuse new requests while the event loop is overloaded. Default off. */
  readonly loadShedding?: LoadSheddingOptions | false;
  /** Graceful shutdown. `false`: no signal or stdin handling (`shutdown()` still works). */
  readonly shutdown?: ShutdownOptions | false;
  /** Where drain progress lines go. Default: stderr (never stdout). `false` silences them. */
  readonly log?: ((line: string) => void) | false;
}

/** One reading of one check, in the draft's format. */
export interface CheckReport {
  readonly status: CheckStatus;
  readonly componentId?: string;
  readonly componentType?: string;
  readonly observedValue?: unknown;
  readonly observedUnit?: string;
  /** ISO 8601 time of the reading (cached readings keep their time). */
  readonly time: string;
  readonly output?: string;
}

/** A `application/health+json` body. */
export interface HealthReport {
  readonly status: CheckStatus;
  readonly version?: string;
  readonly description?: string;
  readonly output?: string;
  readonly checks?: Readonly<Record<string, readonly CheckReport[]>>;
}

/** What started a drain. */
export type ShutdownTrigger = NodeJS.Signals | 'stdin' | 'manual';

export interface ShutdownResult {
  readonly trigger: ShutdownTrigger;
  /** 0 when every in-flight request finished, 1 when the timeout (or a second signal) cut work off. */
  readonly exitCode: 0 | 1;
  readonly timedOut: boolean;
  /** Requests still in flight when the servers were closed. */
  readonly unfinished: number;
  readonly durationMs: number;
}

/** The plugin returned by `health()`, with controls for readiness and shutdown. */
export interface HealthPlugin extends McpscopePlugin {
  readonly routes: Readonly<Record<'/livez' | '/readyz' | '/healthz', RouteHandler>>;
  /** Runs the readiness checks and returns the verbose report. */
  readiness(): Promise<HealthReport>;
  /** Runs the liveness checks and returns the verbose report. */
  liveness(): Promise<HealthReport>;
  /** Marks the server ready (it still needs its connection and checks). */
  markReady(): void;
  /** Marks the server not ready: readiness answers 503 until `markReady()`. */
  markNotReady(): void;
  /** True from the start of a drain. */
  readonly draining: boolean;
  /** True while load shedding refuses new requests. */
  readonly overloaded: boolean;
  /** The mean event-loop delay of the last sample, in ms. */
  readonly eventLoopDelayMs: number;
  /**
   * Starts (or joins) the drain: readiness 503, then after `delayMs` new requests are refused, in-flight
   * ones get up to `timeoutMs`, every attached server closes (flushing every plugin), `onShutdown` runs,
   * and, with `exit`, the process exits.
   */
  shutdown(): Promise<ShutdownResult>;
  /** Removes the signal and stdin listeners and stops the event-loop sampler. */
  dispose(): void;
}
