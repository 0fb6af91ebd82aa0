import type { JsonRpcErrorObject, Refusal, RequestFacts, RouteHandler } from '@mcpscope/core';
import {
  DEFAULT_EVENT_LOOP_DELAY,
  defaultHeapThresholds,
  eventLoopCheck,
  thresholdCheck,
  transportCheck,
  uptimeCheck,
} from './built-in-checks.js';
import { defineChecks, readCheck } from './checks.js';
import { Drain, resolveShutdownOptions } from './drain.js';
import {
  DRAINING_ERROR_CODE,
  DRAINING_MESSAGE,
  OVERLOADED_ERROR_CODE,
  OVERLOADED_MESSAGE,
} from './error-codes.js';
import { EventLoopMonitor } from './event-loop-monitor.js';
import { buildReport, type CheckEntries, toRouteResponse, wantsVerbose } from './report.js';
import { ServerTracker } from './server-tracker.js';
import type { CheckReport, HealthOptions, HealthPlugin, HealthReport } from './types.js';
import { UNAUTHORIZED, verboseGuard } from './verbose-guard.js';

const PLUGIN_NAME = 'mcpscope/health';

interface Gate {
  readonly error: JsonRpcErrorObject;
  readonly refusal: Omit<Refusal, 'plugin'> & { plugin: string };
}

const DRAINING: Gate = {
  error: { code: DRAINING_ERROR_CODE, message: DRAINING_MESSAGE, data: { reason: 'draining' } },
  refusal: { plugin: PLUGIN_NAME, reason: 'draining' },
};

function writeLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Liveness and readiness probes (`/livez`, `/readyz`, `/healthz`), optional load shedding, and graceful
 * shutdown for MCP servers. `server.use(health())`; serve the routes with core's `nodeHandler`,
 * `fetchHandler` or `observe(server, { listen })`.
 */
export function health(options: HealthOptions = {}): HealthPlugin {
  const {
    checks = {},
    checkTimeoutMs = 500,
    cacheMs = 0,
    details = true,
    verboseToken,
    requireConnection = 'auto',
    markedReady = true,
    eventLoopDelay = DEFAULT_EVENT_LOOP_DELAY,
    sampleIntervalMs = 1_000,
    heapUsed = defaultHeapThresholds(),
    rss = {},
    inFlight = {},
    loadShedding = false,
    shutdown = {},
    log = writeLine,
  } = options;

  if (loadShedding !== false && !(loadShedding.maxEventLoopDelayMs > 0)) {
    throw new TypeError(
      'health(): loadShedding.maxEventLoopDelayMs must be a positive number of milliseconds.',
    );
  }
  const mayShowDetails = verboseGuard(verboseToken);
  const userChecks = defineChecks(checks, { timeoutMs: checkTimeoutMs, cacheMs });
  const livenessChecks = userChecks.filter((check) => check.kind === 'liveness');
  const shutdownOptions = resolveShutdownOptions(shutdown);
  const tracker = new ServerTracker();
  const writeLog = log === false ? () => undefined : log;
  let ready = markedReady;
  /** What new requests get right now: undefined lets them through. Read once per request. */
  let gate: Gate | undefined;

  const shedding =
    loadShedding === false
      ? undefined
      : {
          active: false,
          limitMs: loadShedding.maxEventLoopDelayMs,
          gate: {
            error: {
              code: OVERLOADED_ERROR_CODE,
              message: loadShedding.message ?? OVERLOADED_MESSAGE,
              data: { reason: 'overloaded', retryAfterMs: loadShedding.retryAfterMs ?? 10_000 },
            },
            refusal: { plugin: PLUGIN_NAME, reason: 'overloaded' },
          } satisfies Gate,
        };

  const updateGate = (): void => {
    if (shedding !== undefined) shedding.active = monitor !== undefined && monitor.delayMs > shedding.limitMs;
    if (drain.refusing) gate = DRAINING;
    else gate = shedding?.active === true ? shedding.gate : undefined;
  };

  const monitor =
    eventLoopDelay !== false || shedding !== undefined
      ? new EventLoopMonitor(sampleIntervalMs, updateGate)
      : undefined;
  const drain = new Drain(shutdownOptions, { tracker, log: writeLog, onRefusing: updateGate });

  const startDrain = (trigger: Parameters<Drain['start']>[0]) => {
    drain
      .start(trigger)
      .catch((error: unknown) => writeLog(`[mcpscope/health] drain failed: ${String(error)}`));
  };
  const onSignal = (signal: NodeJS.Signals): void => startDrain(signal);
  const onStdinEnd = (): void => startDrain('stdin');
  let watchingStdin = false;
  for (const signal of shutdownOptions.signals) process.on(signal, onSignal);

  const watchStdin = (): void => {
    if (watchingStdin || !shutdownOptions.stdin) return;
    watchingStdin = true;
    const { stdin } = process;
    if (stdin.readableEnded) {
      queueMicrotask(onStdinEnd);
      return;
    }
    stdin.once('end', onStdinEnd);
    stdin.once('close', onStdinEnd);
  };

  const context = (output?: string) => ({
    version: tracker.version,
    name: tracker.name,
    ...(output === undefined ? {} : { output }),
  });

  const lifecycle = (time: string): CheckReport => {
    if (drain.draining) {
      const output = `shutting down (${drain.trigger === 'stdin' ? 'stdin closed' : drain.trigger})`;
      return { componentType: 'system', observedValue: 'draining', status: 'fail', time, output };
    }
    if (!ready) {
      return {
        componentType: 'system',
        observedValue: 'not-ready',
        status: 'fail',
        time,
        output: 'marked not ready',
      };
    }
    return { componentType: 'system', observedValue: 'ready', status: 'pass', time };
  };

  const readiness = async (): Promise<HealthReport> => {
    const time = new Date().toISOString();
    const entries: (readonly [string, CheckReport])[] = [
      ['server:lifecycle', lifecycle(time)],
      [
        'transport:connected',
        transportCheck(tracker.openConnections, tracker.connectionRequired(requireConnection), time),
      ],
    ];
    if (monitor !== undefined) {
      entries.push([
        'eventloop:delay',
        eventLoopCheck(monitor.delayMs, eventLoopDelay === false ? {} : eventLoopDelay, shedding, time),
      ]);
    }
    if (heapUsed !== false || rss !== false) {
      const memory = process.memoryUsage();
      if (heapUsed !== false) {
        entries.push(['memory:heapUsed', thresholdCheck(memory.heapUsed, heapUsed, 'bytes', 'system', time)]);
      }
      if (rss !== false)
        entries.push(['memory:rss', thresholdCheck(memory.rss, rss, 'bytes', 'system', time)]);
    }
    if (inFlight !== false) {
      entries.push([
        'requests:inFlight',
        thresholdCheck(tracker.inFlight, inFlight, 'requests', 'system', time),
      ]);
    }
    // While draining the answer is 503 whatever the checks say: do not load dependencies with them.
    if (!drain.draining && userChecks.length > 0) {
      const readings = await Promise.all(userChecks.map(readCheck));
      for (const [index, check] of userChecks.entries()) entries.push([check.name, readings[index]!]);
    }
    return buildReport(entries, context(drain.draining ? 'draining' : undefined));
  };

  const liveness = async (): Promise<HealthReport> => {
    const time = new Date().toISOString();
    const entries: CheckEntries = [['process:uptime', uptimeCheck(time)]];
    const readings = await Promise.all(livenessChecks.map(readCheck));
    return buildReport(
      [...entries, ...livenessChecks.map((check, index) => [check.name, readings[index]!] as const)],
      context(),
    );
  };

  const route =
    (report: () => Promise<HealthReport>): RouteHandler =>
    async (request) => {
      const verbose = details && wantsVerbose(request);
      // Refused before any check runs: an unauthorized caller cannot make the checks work either.
      if (verbose && !mayShowDetails(request)) return UNAUTHORIZED;
      return toRouteResponse(await report(), details, verbose);
    };
  const readinessRoute = route(readiness);
  const livenessRoute = route(liveness);

  return {
    name: PLUGIN_NAME,
    routes: { '/livez': livenessRoute, '/readyz': readinessRoute, '/healthz': readinessRoute },
    setup(server) {
      tracker.attach(server);
    },
    onConnectionOpen(session) {
      tracker.opened(session);
      if (session.transport === 'stdio') watchStdin();
    },
    onConnectionClose(session) {
      tracker.closed(session);
    },
    aroundRequest(request: RequestFacts, dispatch: () => void) {
      const current = gate;
      if (current === undefined || request.method === 'ping') dispatch();
      else request.refuse(current.error, current.refusal);
    },
    readiness,
    liveness,
    markReady() {
      ready = true;
    },
    markNotReady() {
      ready = false;
    },
    get draining() {
      return drain.draining;
    },
    get overloaded() {
      return shedding?.active === true;
    },
    get eventLoopDelayMs() {
      return monitor?.delayMs ?? 0;
    },
    shutdown: () => drain.start('manual'),
    dispose() {
      for (const signal of shutdownOptions.signals) process.off(signal, onSignal);
      if (watchingStdin) {
        process.stdin.off('end', onStdinEnd);
        process.stdin.off('close', onStdinEnd);
      }
      monitor?.stop();
    },
  };
}
