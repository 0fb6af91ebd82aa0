import { clearDiagnostic, type RequestFacts, type RouteHandler, reportDiagnostic } from '@mcpscope/core';
import {
  DEFAULT_EVENT_LOOP_DELAY,
  defaultHeapThresholds,
  loadCheck,
  thresholdCheck,
  transportCheck,
  uptimeCheck,
} from './built-in-checks.js';
import { defineChecks, readCheck } from './checks.js';
import { HEALTH_DIAGNOSTIC_CODES as CODES } from './diagnostic-codes.js';
import { Drain, type Report, resolveShutdownOptions } from './drain.js';
import { LoadMonitor } from './load-monitor.js';
import { overloadReason, resolveShedding } from './load-shedding.js';
import { DRAINING, type Gate, PLUGIN_NAME } from './refusals.js';
import { buildReport, type CheckEntries, toRouteResponse, wantsVerbose } from './report.js';
import { resolvePaths } from './route-paths.js';
import { ServerTracker } from './server-tracker.js';
import type { CheckReport, HealthOptions, HealthPlugin, HealthReport } from './types.js';
import { UNAUTHORIZED, verboseGuard } from './verbose-guard.js';

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
    bearerToken,
    paths = {},
    requireConnection = 'auto',
    markedReady = true,
    eventLoopDelay = DEFAULT_EVENT_LOOP_DELAY,
    eventLoopUtilization = {},
    sampleIntervalMs = 1_000,
    heapUsed = defaultHeapThresholds(),
    rss = {},
    inFlight = {},
    loadShedding = false,
    shutdown = {},
  } = options;

  const shedding = resolveShedding(loadShedding);
  const routePaths = resolvePaths(paths);
  const mayShowDetails = verboseGuard(bearerToken);
  const userChecks = defineChecks(checks, { timeoutMs: checkTimeoutMs, cacheMs });
  const livenessChecks = userChecks.filter((check) => check.kind === 'liveness');
  const shutdownOptions = resolveShutdownOptions(shutdown);
  const tracker = new ServerTracker();
  let ready = markedReady;
  /** What new requests get right now: undefined lets them through. Read once per request. */
  let gate: Gate | undefined;

  const report: Report = (code, message, extra = {}) => reportDiagnostic(plugin, { code, message, ...extra });

  const updateGate = (): void => {
    if (shedding !== undefined) {
      // The monitor exists whenever load shedding does: it takes the samples shedding reads.
      const reason = overloadReason(shedding, monitor!);
      // Core reports a code once until it is cleared: once per episode, cleared when the episode ends.
      if (reason === undefined) clearDiagnostic(plugin, CODES.loadSheddingStarted);
      else report(CODES.loadSheddingStarted, `shedding load: ${reason}; new requests are refused`);
      shedding.reason = reason;
    }
    if (drain.refusing) gate = DRAINING;
    else gate = shedding?.reason === undefined ? undefined : shedding.gate;
  };

  const watchDelay =
    eventLoopDelay !== false || (shedding !== undefined && shedding.maxEventLoopDelayMs !== false);
  const monitor =
    watchDelay || eventLoopUtilization !== false || shedding !== undefined
      ? new LoadMonitor(
          sampleIntervalMs,
          {
            delay: watchDelay,
            heap:
              shedding !== undefined &&
              // Stryker disable next-line ConditionalExpression,BooleanLiteral: the heap sample is read only by overloadReason, which skips it when maxHeapUsedBytes is false; sampling it anyway only costs a call
              shedding.maxHeapUsedBytes !== false,
          },
          updateGate,
        )
      : undefined;
  const drain = new Drain(shutdownOptions, { tracker, report, onRefusing: updateGate });

  const startDrain = (trigger: Parameters<Drain['start']>[0]) => {
    drain.start(trigger).catch((error: unknown) => {
      report(CODES.drainFailed, 'the drain failed', { error });
      if (shutdownOptions.exit) process.exit(1);
    });
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
    // Stryker disable next-line ConditionalExpression: buildReport reads `context.output ?? ...`, so an output key holding undefined is the same as none
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
    if (shedding !== undefined) entries.push(['server:load', loadCheck(shedding.reason, time)]);
    if (monitor !== undefined && eventLoopDelay !== false) {
      entries.push([
        'eventloop:delay',
        thresholdCheck(monitor.delayMs, eventLoopDelay, 'ms', 'system', time),
      ]);
    }
    if (monitor !== undefined && eventLoopUtilization !== false) {
      entries.push([
        'eventloop:utilization',
        thresholdCheck(monitor.utilization, eventLoopUtilization, undefined, 'system', time),
      ]);
    }
    if (heapUsed !== false) {
      const { heapUsed: used } = process.memoryUsage();
      entries.push(['memory:heapUsed', thresholdCheck(used, heapUsed, 'bytes', 'system', time)]);
    }
    if (rss !== false) {
      entries.push(['memory:rss', thresholdCheck(process.memoryUsage.rss(), rss, 'bytes', 'system', time)]);
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
    (build: () => Promise<HealthReport>): RouteHandler =>
    async (request) => {
      const verbose = details && wantsVerbose(request);
      // Refused before any check runs: an unauthorized caller cannot make the checks work either.
      if (verbose && !mayShowDetails(request)) return UNAUTHORIZED;
      return toRouteResponse(await build(), details, verbose);
    };
  const readinessRoute = route(readiness);
  const routes: Record<string, RouteHandler> = {
    [routePaths.livez]: route(liveness),
    [routePaths.readyz]: readinessRoute,
  };
  if (routePaths.healthz !== false) routes[routePaths.healthz] = readinessRoute;

  const plugin: HealthPlugin = {
    name: PLUGIN_NAME,
    routes,
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
      return shedding?.reason !== undefined;
    },
    get eventLoopDelayMs() {
      return monitor?.delayMs ?? 0;
    },
    get eventLoopUtilization() {
      return monitor?.utilization ?? 0;
    },
    shutdown: () => drain.start('manual'),
    dispose() {
      for (const signal of shutdownOptions.signals) process.off(signal, onSignal);
      // Stryker disable next-line ConditionalExpression: removing listeners that were never added removes nothing (the guard only spares touching process.stdin)
      if (watchingStdin) {
        process.stdin.off('end', onStdinEnd);
        process.stdin.off('close', onStdinEnd);
      }
      monitor?.stop();
    },
  };
  return plugin;
}
