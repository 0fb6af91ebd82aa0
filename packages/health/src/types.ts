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
  /** Where the check counts. @default 'readiness' */
  readonly kind?: CheckKind;
  /** Per-check time limit in milliseconds. @default the `checkTimeoutMs` option */
  readonly timeoutMs?: number;
  /** Reuse a result for this long (probes in between do not call the check). @default the `cacheMs` option */
  readonly cacheMs?: number;
  /** When false, a failure only warns (the probe stays 200). @default true */
  readonly critical?: boolean;
}

/** Warn and fail levels of a built-in check (reached at `>=`); a level left out is never reached. */
export interface Thresholds {
  readonly warn?: number;
  readonly fail?: number;
}

/**
 * Load shedding: new requests (except `ping`) are refused while any threshold is exceeded in the last
 * sample. `false` switches one threshold off.
 */
export interface LoadSheddingOptions {
  /** Mean event-loop delay of the last sample, in milliseconds. @default 1000 */
  readonly maxEventLoopDelayMs?: number | false;
  /** Event-loop utilisation of the last sample (`performance.eventLoopUtilization`), from 0 to 1. @default 0.98 */
  readonly maxEventLoopUtilization?: number | false;
  /** V8 heap used, in bytes. @default 95% of the heap size limit */
  readonly maxHeapUsedBytes?: number | false;
  /** Sent to clients as `error.data.retryAfterMs` (under-pressure's `retryAfter`). @default 10000 */
  readonly retryAfterMs?: number;
  /** The JSON-RPC error message. @default 'Server overloaded, retry later' */
  readonly message?: string;
}

/** Where the probes are served. */
export interface HealthPaths {
  /** @default '/livez' */
  readonly livez?: string;
  /** @default '/readyz' */
  readonly readyz?: string;
  /** The same answer as `readyz`; `false` serves no such alias. @default '/healthz' */
  readonly healthz?: string | false;
}

export interface ShutdownOptions {
  /** Signals that start the drain; `[]` installs no handler. @default ['SIGTERM', 'SIGINT'] */
  readonly signals?: readonly NodeJS.Signals[];
  /** Drain when a stdio server's stdin ends (the parent closed it). @default true */
  readonly stdin?: boolean;
  /**
   * How long new requests are still accepted after readiness turned 503, so load balancers stop sending
   * traffic first. Not applied when stdin closed (no request can arrive any more).
   * @default 5000 in Kubernetes (`KUBERNETES_SERVICE_HOST` set), else 0
   */
  readonly delayMs?: number;
  /** How long in-flight requests may take to finish once new ones are refused. @default 15000 */
  readonly timeoutMs?: number;
  /** Time limit for closing the servers (and flushing every plugin) and for `onShutdown`. @default 5000 */
  readonly closeTimeoutMs?: number;
  /** Exit the process at the end: 0 when every request finished, 1 when the timeout cut work off. @default true */
  readonly exit?: boolean;
  /** Runs after the servers closed, before the exit (close database pools, HTTP servers). @default none */
  readonly onShutdown?: (result: ShutdownResult) => void | Promise<void>;
}

export interface HealthOptions {
  /** Named checks, keyed `component:measurement` by convention (`postgres:connections`). @default {} */
  readonly checks?: Readonly<Record<string, CheckFunction | CheckDefinition>>;
  /** Default time limit of each check; keep it below the probe's `timeoutSeconds`. @default 500 */
  readonly checkTimeoutMs?: number;
  /** Default cache interval of each check (0: run on every probe). @default 0 */
  readonly cacheMs?: number;
  /** Whether `?verbose` may show each check (and failing bodies name them). `false`: status only. @default true */
  readonly details?: boolean;
  /**
   * When set, `?verbose` answers 401 unless the request carries `Authorization: Bearer <token>`.
   * Plain probes (status, and the names of failing checks) stay open. @default none
   */
  readonly bearerToken?: string;
  /** Where the probes are served. @default { livez: '/livez', readyz: '/readyz', healthz: '/healthz' } */
  readonly paths?: HealthPaths;
  /**
   * Whether readiness needs an open MCP transport. `'auto'`: needed while every transport seen so far
   * is stdio or in-memory; never needed once a Streamable HTTP or SSE transport connected, nor before
   * any server was attached (an HTTP app that builds servers per session or per request).
   * @default 'auto'
   */
  readonly requireConnection?: boolean | 'auto';
  /** Start marked ready; `false` stays unready until `markReady()` (lightship's `signalReady`). @default true */
  readonly markedReady?: boolean;
  /** Levels of `eventloop:delay` (mean delay, ms); `false` drops the check. @default { warn: 200, fail: 1000 } */
  readonly eventLoopDelay?: Thresholds | false;
  /** Levels of `eventloop:utilization` (0 to 1); `false` drops the check. @default {} (reported only) */
  readonly eventLoopUtilization?: Thresholds | false;
  /** How often the event loop (and, for load shedding, the heap) is sampled, in ms. @default 1000 */
  readonly sampleIntervalMs?: number;
  /** Levels of `memory:heapUsed` in bytes; `false` drops the check. @default { warn: 90% of the heap size limit } */
  readonly heapUsed?: Thresholds | false;
  /** Levels of `memory:rss` in bytes; `false` drops the check. @default {} (reported only) */
  readonly rss?: Thresholds | false;
  /** Levels of `requests:inFlight`; `false` drops the check. @default {} (reported only) */
  readonly inFlight?: Thresholds | false;
  /** Refuse new requests while the server is overloaded; `true` takes every default threshold. @default false */
  readonly loadShedding?: LoadSheddingOptions | boolean;
  /** Graceful shutdown; `false`: no signal or stdin handling (`shutdown()` still works). @default {} */
  readonly shutdown?: ShutdownOptions | false;
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
  readonly name: 'health';
  /** The probes, at their `paths`, for core's route handlers. */
  readonly routes: Readonly<Record<string, RouteHandler>>;
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
  /** The event-loop utilisation of the last sample, from 0 to 1. */
  readonly eventLoopUtilization: number;
  /**
   * Starts (or joins) the drain: readiness 503, then after `delayMs` new requests are refused, in-flight
   * ones get up to `timeoutMs`, every attached server closes (flushing every plugin), `onShutdown` runs,
   * and, with `exit`, the process exits.
   */
  shutdown(): Promise<ShutdownResult>;
  /** Removes the signal and stdin listeners and stops the event-loop sampler. */
  dispose(): void;
}
