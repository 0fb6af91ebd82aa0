/**
 * What each benchmark scenario attaches to the server, the way a user would. Every scenario runs in its
 * own process, so one scenario's side effects (AsyncLocalStorage turning on async hooks, an
 * OpenTelemetry SDK, Sentry's module hooks) never slow down another's measurement.
 *
 * A scenario starts once per process (`start`: SDKs, loggers, plugin instances), attaches to every
 * server the process builds (`attach`: one per session over HTTP), and ends with `release`: it flushes
 * what it buffered and returns counts that show the instrumentation really recorded every request.
 */
import { join } from 'node:path';
import type { McpscopePlugin } from '@mcpscope/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export interface ScenarioContext {
  /** A scratch directory for files a scenario writes (log files). */
  readonly scratch: string;
  /** A local Sentry envelope endpoint, for scenarios that send to Sentry. */
  readonly sentryDsn: string;
}

/** What a scenario recorded, for sanity checks (spans exported, log lines written, ...). */
export type ScenarioCounts = Record<string, number>;

export interface RunningScenario {
  /** Attaches the instrumentation to a new server, before its tools are registered. */
  attach(server: McpServer): void;
  /** Flushes and releases the instrumentation; returns what it recorded. */
  release(): Promise<ScenarioCounts>;
  /** In-flight gauges of the plugins (all must read 0 once the load stopped). */
  inFlight?(): Promise<ScenarioCounts>;
  /** Empties the buffers of SDKs the plugins report to (span batches, Sentry's queue), keeping them running. */
  settle?(): Promise<void>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  start(context: ScenarioContext): Promise<RunningScenario>;
}

/** A limit no benchmark reaches: the limiter counts every call and refuses none. */
const NEVER_REACHED = { limit: 1_000_000_000, windowMs: 60_000 } as const;

async function observeWith(...plugins: McpscopePlugin[]): Promise<(server: McpServer) => void> {
  const { observe } = await import('@mcpscope/core');
  return (server) => void observe(server).use(...plugins);
}

/**
 * A real OpenTelemetry SDK, registered globally as `NodeTracerProvider.register()` or the NodeSDK would:
 * AsyncLocalStorage context manager, W3C trace-context and baggage propagators, and a batch span
 * processor whose exporter counts the spans and keeps nothing (the SDK's whole cost, no network).
 */
async function startOpenTelemetry(): Promise<{ flush(): Promise<ScenarioCounts>; settle(): Promise<void> }> {
  const { context, propagation, trace } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { CompositePropagator, ExportResultCode, W3CBaggagePropagator, W3CTraceContextPropagator } =
    await import('@opentelemetry/core');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  let exported = 0;
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({
        export(spans, done) {
          exported += spans.length;
          done({ code: ExportResultCode.SUCCESS });
        },
        shutdown: async () => undefined,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);
  return {
    async flush() {
      await provider.forceFlush();
      return { spansExported: exported };
    },
    settle: () => provider.forceFlush(),
  };
}

/**
 * `Sentry.init` as Sentry's Node guide writes it (DSN, default integrations), sending to the local
 * envelope endpoint. `tracesSampleRate` only where a scenario asks for tracing.
 */
async function startSentry(dsn: string, tracesSampleRate?: number) {
  const Sentry = await import('@sentry/node');
  Sentry.init({ dsn, ...(tracesSampleRate === undefined ? {} : { tracesSampleRate }) });
  return Sentry;
}

/**
 * pino writing to a file through an asynchronous sonic-boom destination, set up as the logging README
 * recommends (`maxWrite: 4096`), or with sonic-boom's defaults (`maxWrite` 16 KB).
 */
async function fileLogger(
  scratch: string,
  destination: 'recommended' | 'sonic-boom-defaults' = 'recommended',
) {
  const { default: pino } = await import('pino');
  const path = join(scratch, 'server.log');
  const maxWrite = destination === 'recommended' ? { maxWrite: 4096 } : {};
  return { logger: pino(pino.destination({ dest: path, sync: false, ...maxWrite })), path };
}

/** The logging plugin alone, on a file logger. */
async function startLogging(
  context: ScenarioContext,
  destination: 'recommended' | 'sonic-boom-defaults',
): Promise<RunningScenario> {
  const { logging } = await import('@mcpscope/logging');
  const { logger, path } = await fileLogger(context.scratch, destination);
  const plugin = logging({ logger });
  return {
    attach: await observeWith(plugin),
    release: async () => {
      await plugin.close?.();
      return { logLines: await countLines(path) };
    },
  };
}

async function countLines(path: string): Promise<number> {
  const { createReadStream } = await import('node:fs');
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines++;
  }
  return lines;
}

const nothing = async (): Promise<ScenarioCounts> => ({});

const scenarios: Scenario[] = [
  {
    name: 'bare',
    description: 'the MCP SDK server, nothing attached',
    start: async () => ({ attach: () => undefined, release: nothing }),
  },
  {
    name: 'hook-layer',
    description: 'observe() with a no-op plugin (start and end hooks)',
    start: async () => ({
      attach: await observeWith({ name: 'no-op', onRequestStart() {}, onRequestEnd() {} }),
      release: nothing,
    }),
  },
  {
    name: 'hook-layer+context',
    description: 'observe() with a plugin that asks for request context (AsyncLocalStorage)',
    start: async () => ({
      attach: await observeWith({ name: 'context', requestContext: true, onRequestEnd() {} }),
      release: nothing,
    }),
  },
  {
    name: 'metrics',
    description: 'metrics({ registry: new Registry() }): prom-client 15, default buckets, exemplars on',
    start: async () => {
      const { Registry } = await import('prom-client');
      const { metrics } = await import('@mcpscope/metrics');
      const registry = new Registry();
      const plugin = metrics({ registry });
      return {
        attach: await observeWith(plugin),
        release: async () => ({ observations: await operationCount(registry) }),
        inFlight: async () => ({ metricsActiveRequests: await activeRequests(registry) }),
      };
    },
  },
  {
    name: 'tracing',
    description:
      'tracing() on OpenTelemetry sdk-trace-base 2.12: BasicTracerProvider, BatchSpanProcessor (defaults) into an exporter that counts and drops, AsyncLocalStorage context manager and W3C propagators, all registered globally',
    start: async () => {
      const sdk = await startOpenTelemetry();
      const { tracing } = await import('@mcpscope/tracing');
      return { attach: await observeWith(tracing()), release: sdk.flush, settle: sdk.settle };
    },
  },
  {
    name: 'tracing-no-sdk',
    description: 'tracing() with no tracer provider, context manager or propagator registered',
    start: async () => {
      const { tracing } = await import('@mcpscope/tracing');
      return { attach: await observeWith(tracing()), release: nothing };
    },
  },
  {
    name: 'logging',
    description:
      'logging({ logger: pino(pino.destination({ dest: <file>, sync: false, maxWrite: 4096 })) }): pino 10, other options default',
    start: (context) => startLogging(context, 'recommended'),
  },
  {
    name: 'sentry',
    description:
      'sentry() on Sentry.init({ dsn }): @sentry/node 11.11, default integrations, tracing off; the DSN is a local envelope endpoint',
    start: async (context) => {
      const Sentry = await startSentry(context.sentryDsn);
      const { sentry } = await import('@mcpscope/sentry');
      return {
        attach: await observeWith(sentry()),
        release: async () => {
          await Sentry.flush(5_000);
          return {};
        },
      };
    },
  },
  {
    name: 'health',
    description: 'health({ shutdown: false }): no signal or stdin handlers, built-in checks only',
    start: async () => {
      const { health } = await import('@mcpscope/health');
      const probes = health({ shutdown: false });
      return {
        attach: await observeWith(probes),
        release: async () => {
          probes.dispose();
          return {};
        },
        inFlight: async () => ({ healthInFlight: await healthInFlight(probes) }),
      };
    },
  },
  {
    name: 'rate-limit',
    description:
      'rateLimit({ client: { limit: 1e9, windowMs: 60000 } }): token bucket per client, memory store, never reached',
    start: async () => {
      const { rateLimit } = await import('@mcpscope/rate-limit');
      const limiter = rateLimit({ client: NEVER_REACHED });
      return {
        attach: await observeWith(limiter),
        release: async () => {
          const stats = limiter.stats();
          return { allowed: stats.allowed, refused: stats.refused };
        },
      };
    },
  },
  {
    name: 'all-five',
    description:
      'Sentry.init({ dsn }) and the OpenTelemetry SDK as above, then observe(server).use(metrics(...), tracing(), logging(...), sentry(), health(...)) with the settings above',
    start: (context) => startAllFive(context, ALL_FIVE),
  },
  {
    name: 'all-five-sdks',
    description:
      "all five's SDKs set up (Sentry.init, OpenTelemetry SDK, pino file logger, registry), no plugin attached",
    start: (context) => startAllFive(context, []),
  },
  {
    name: 'sentry-mcp',
    description:
      "Sentry's own instrumentation as its MCP guide sets it up: Sentry.init({ dsn, tracesSampleRate: 1 }) (default integrations, streamed spans), then Sentry.wrapMcpServerWithSentry(server) before the tools are registered",
    start: async (context) => {
      const Sentry = await startSentry(context.sentryDsn, 1);
      return {
        attach: (server) => void Sentry.wrapMcpServerWithSentry(server),
        release: async () => {
          await Sentry.flush(10_000);
          return {};
        },
      };
    },
  },
];

type PluginName = 'metrics' | 'tracing' | 'logging' | 'sentry' | 'health';
const ALL_FIVE: readonly PluginName[] = ['metrics', 'tracing', 'logging', 'sentry', 'health'];

/**
 * The SDKs a user of all five sets up (Sentry.init, an OpenTelemetry SDK, a pino file logger, a
 * prom-client registry), and the named plugins on top, in the order a user writes them.
 */
async function startAllFive(
  context: ScenarioContext,
  plugins: readonly PluginName[],
): Promise<RunningScenario> {
  const Sentry = await startSentry(context.sentryDsn);
  const sdk = await startOpenTelemetry();
  const [{ Registry }, { metrics }, { tracing }, { logging }, { sentry }, { health }] = await Promise.all([
    import('prom-client'),
    import('@mcpscope/metrics'),
    import('@mcpscope/tracing'),
    import('@mcpscope/logging'),
    import('@mcpscope/sentry'),
    import('@mcpscope/health'),
  ]);
  const registry = new Registry();
  const { logger, path } = await fileLogger(context.scratch);
  const logs = logging({ logger });
  const probes = health({ shutdown: false });
  const instances: Record<PluginName, McpscopePlugin> = {
    metrics: metrics({ registry }),
    tracing: tracing(),
    logging: logs,
    sentry: sentry(),
    health: probes,
  };
  const attach = await observeWith(...plugins.map((name) => instances[name]));
  const has = (name: PluginName) => plugins.includes(name);
  return {
    attach: plugins.length === 0 ? () => undefined : attach,
    release: async () => {
      await logs.close?.();
      probes.dispose();
      await Sentry.flush(5_000);
      const spans = await sdk.flush();
      return {
        ...(has('metrics') ? { observations: await operationCount(registry) } : {}),
        ...(has('tracing') ? spans : {}),
        ...(has('logging') ? { logLines: await countLines(path) } : {}),
      };
    },
    inFlight: async () => ({
      ...(has('metrics') ? { metricsActiveRequests: await activeRequests(registry) } : {}),
      ...(has('health') ? { healthInFlight: await healthInFlight(probes) } : {}),
    }),
    settle: async () => {
      await sdk.settle();
      await Sentry.flush(5_000);
    },
  };
}

/**
 * Scenarios that only run when named (`--only`), to attribute costs: `all-five-without-<plugin>` leaves
 * one plugin out (its SDK still set up); `floor-*` do the least any plugin on that library must do.
 */
const attributionScenarios: Scenario[] = [
  ...ALL_FIVE.map(
    (left): Scenario => ({
      name: `all-five-without-${left}`,
      description: `all five but ${left} (its SDK still set up)`,
      start: (context) =>
        startAllFive(
          context,
          ALL_FIVE.filter((name) => name !== left),
        ),
    }),
  ),
  {
    name: 'logging-sonic-boom-defaults',
    description:
      "logging({ logger: pino(pino.destination({ dest: <file>, sync: false })) }): sonic-boom's default maxWrite (16 KB)",
    start: (context) => startLogging(context, 'sonic-boom-defaults'),
  },
  {
    name: 'floor-pino-sonic-boom-defaults',
    description: "floor-pino with sonic-boom's default maxWrite (16 KB)",
    start: async (context) => {
      const { logger } = await fileLogger(context.scratch, 'sonic-boom-defaults');
      return {
        attach: await observeWith({
          name: 'floor-pino',
          onRequestEnd: (request) => logger.info({ 'mcp.method.name': request.method }, 'request'),
        }),
        release: nothing,
      };
    },
  },
  {
    name: 'logging-without-request-logger',
    description: 'logging() to a file with requestLogger: false (no AsyncLocalStorage)',
    start: async (context) => {
      const { logging } = await import('@mcpscope/logging');
      const { logger } = await fileLogger(context.scratch);
      return { attach: await observeWith(logging({ logger, requestLogger: false })), release: nothing };
    },
  },
  {
    name: 'floor-pino',
    description: 'the least a pino-based plugin does: one info line per request, to the same file logger',
    start: async (context) => {
      const { logger } = await fileLogger(context.scratch);
      return {
        attach: await observeWith({
          name: 'floor-pino',
          onRequestEnd: (request) => logger.info({ 'mcp.method.name': request.method }, 'request'),
        }),
        release: nothing,
      };
    },
  },
  {
    name: 'floor-otel',
    description:
      'the least an OpenTelemetry plugin does: start a SERVER span, dispatch in its context, end it',
    start: async () => {
      const sdk = await startOpenTelemetry();
      const { context, SpanKind, trace } = await import('@opentelemetry/api');
      const tracer = trace.getTracer('floor');
      const spans = new WeakMap<object, ReturnType<typeof tracer.startSpan>>();
      return {
        attach: await observeWith({
          name: 'floor-otel',
          onRequestStart: (request) =>
            void spans.set(request, tracer.startSpan(request.method, { kind: SpanKind.SERVER })),
          aroundRequest: (request, dispatch) => {
            const span = spans.get(request);
            if (span === undefined) dispatch();
            else context.with(trace.setSpan(context.active(), span), dispatch);
          },
          onRequestEnd: (request) => spans.get(request)?.end(),
        }),
        release: sdk.flush,
      };
    },
  },
  {
    name: 'floor-sentry',
    description: 'the least a Sentry plugin does for isolation: dispatch inside Sentry.withIsolationScope',
    start: async (context) => {
      const Sentry = await startSentry(context.sentryDsn);
      return {
        attach: await observeWith({
          name: 'floor-sentry',
          aroundRequest: (_request, dispatch) => Sentry.withIsolationScope(() => dispatch()),
        }),
        release: nothing,
      };
    },
  },
  {
    name: 'floor-all-five',
    description:
      "the least five plugins on these libraries do together, on all-five's SDKs: a SERVER span with dispatch in its context and inside Sentry.withIsolationScope, a histogram observation and one info line",
    start: async (context) => {
      const Sentry = await startSentry(context.sentryDsn);
      const sdk = await startOpenTelemetry();
      const { context: contexts, SpanKind, trace } = await import('@opentelemetry/api');
      const { Histogram, Registry } = await import('prom-client');
      const registry = new Registry();
      const histogram = new Histogram({
        name: 'floor_duration_seconds',
        help: 'the floor scenario',
        labelNames: ['method'],
        registers: [registry],
      });
      const { logger } = await fileLogger(context.scratch);
      const tracer = trace.getTracer('floor');
      const spans = new WeakMap<object, ReturnType<typeof tracer.startSpan>>();
      return {
        attach: await observeWith({
          name: 'floor-all-five',
          onRequestStart: (request) =>
            void spans.set(request, tracer.startSpan(request.method, { kind: SpanKind.SERVER })),
          aroundRequest: (request, dispatch) => {
            const span = spans.get(request);
            if (span === undefined) dispatch();
            else
              contexts.with(trace.setSpan(contexts.active(), span), () =>
                Sentry.withIsolationScope(() => dispatch()),
              );
          },
          onRequestEnd: (request) => {
            spans.get(request)?.end();
            histogram.observe({ method: request.method }, (request.durationMs ?? 0) / 1000);
            logger.info({ 'mcp.method.name': request.method }, 'request');
          },
        }),
        release: async () => {
          await Sentry.flush(5_000);
          return sdk.flush();
        },
      };
    },
  },
  {
    name: 'sentry-init',
    description: 'Sentry.init({ dsn }) alone, no plugin',
    start: async (context) => {
      const Sentry = await startSentry(context.sentryDsn);
      return {
        attach: () => undefined,
        release: async () => {
          await Sentry.flush(5_000);
          return {};
        },
      };
    },
  },
];

interface PromMetric {
  get(): Promise<{ values: { value: number; metricName?: string }[] }>;
}
interface PromRegistry {
  getSingleMetric(name: string): unknown;
}

/** Requests the metrics plugin observed (the operation histogram's `_count`, summed over series). */
async function operationCount(registry: PromRegistry): Promise<number> {
  const metric = registry.getSingleMetric('mcp_server_operation_duration_seconds') as PromMetric | undefined;
  const values = (await metric?.get())?.values ?? [];
  return values
    .filter((value) => value.metricName?.endsWith('_count'))
    .reduce((sum, value) => sum + value.value, 0);
}

/** The metrics plugin's in-flight gauge, summed over methods. */
async function activeRequests(registry: PromRegistry): Promise<number> {
  const metric = registry.getSingleMetric('mcp_server_active_requests') as PromMetric | undefined;
  const values = (await metric?.get())?.values ?? [];
  return values.reduce((sum, value) => sum + value.value, 0);
}

/** The health plugin's `requests:inFlight` reading. */
async function healthInFlight(probes: { readiness(): Promise<unknown> }): Promise<number> {
  const report = (await probes.readiness()) as {
    checks?: Record<string, { observedValue?: unknown }[]>;
  };
  return Number(report.checks?.['requests:inFlight']?.[0]?.observedValue ?? Number.NaN);
}

export function scenarioNamed(name: string): Scenario {
  const scenario = [...scenarios, ...attributionScenarios].find((candidate) => candidate.name === name);
  if (scenario === undefined) throw new Error(`Unknown scenario "${name}"`);
  return scenario;
}

/** The scenarios `pnpm bench` runs. */
export const SCENARIO_NAMES: readonly string[] = scenarios.map((scenario) => scenario.name);
/** What each scenario attaches, for the report's legend. */
export const SCENARIO_DESCRIPTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  [...scenarios, ...attributionScenarios].map((scenario) => [scenario.name, scenario.description]),
);
/** Scenarios that run only when named with `--only`. */
export const ATTRIBUTION_SCENARIO_NAMES: readonly string[] = attributionScenarios.map(
  (scenario) => scenario.name,
);
