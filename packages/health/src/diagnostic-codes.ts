/** The codes this plugin reports through core's diagnostics channel (`observe(server, { onDiagnostic })`). */
export const HEALTH_DIAGNOSTIC_CODES = {
  /** A drain started: what started it, when new requests will be refused, how many are in flight. */
  drainStarted: 'MCPSCOPE_HEALTH_DRAIN_STARTED',
  /** The drain's delay is over: new requests are refused from now on. */
  drainRefusing: 'MCPSCOPE_HEALTH_DRAIN_REFUSING',
  /** A second signal arrived during the drain: the servers close without waiting any longer. */
  drainHurried: 'MCPSCOPE_HEALTH_DRAIN_HURRIED',
  /** The drain timeout (or a second signal) cut requests in flight off. */
  drainTimedOut: 'MCPSCOPE_HEALTH_DRAIN_TIMED_OUT',
  /** The drain finished: its duration and exit code (and, with `exit`, the process exits now). */
  drainFinished: 'MCPSCOPE_HEALTH_DRAIN_FINISHED',
  /** The drain itself failed (a bug: please report it); the process exits 1 when `exit` is set. */
  drainFailed: 'MCPSCOPE_HEALTH_DRAIN_FAILED',
  /** Closing a server or flushing the plugins during the drain threw. */
  closeFailed: 'MCPSCOPE_HEALTH_CLOSE_FAILED',
  /** Closing the servers, or `onShutdown`, did not finish within `closeTimeoutMs`. */
  closeTimeout: 'MCPSCOPE_HEALTH_CLOSE_TIMEOUT',
  /** A user hook (`shutdown.onShutdown`) threw; the drain went on. */
  hookFailed: 'MCPSCOPE_HEALTH_HOOK_FAILED',
  /** Load shedding started refusing requests (reported again after it stopped and starts anew). */
  loadSheddingStarted: 'MCPSCOPE_HEALTH_LOAD_SHEDDING_STARTED',
} as const;
