/**
 * The five plugins together, as a user switches them on: metrics (its own Registry), tracing (a real
 * OpenTelemetry SDK), logging (pino into memory, or any destination), Sentry (the real client, set up
 * once per test file with `Sentry.init`), health (no signal or stdin handling). Plus a recorder that
 * counts what core reports, and every plugin failure core reports, collected.
 */
import { type Diagnostic, type McpscopePlugin, type ObserveOptions, observe } from '@mcpscope/core';
import { type HealthOptions, type HealthPlugin, health } from '@mcpscope/health';
import { type LoggingOptions, type LoggingPlugin, logging } from '@mcpscope/logging';
import { type MetricsOptions, type MetricsPlugin, metrics } from '@mcpscope/metrics';
import { type SentryOptions, sentry } from '@mcpscope/sentry';
import { type TracingOptions, tracing } from '@mcpscope/tracing';
import type { TracerProvider } from '@opentelemetry/api';
import pino, { type DestinationStream } from 'pino';
import { Registry } from 'prom-client';
import { LogSink } from './log-sink.js';
import { type Recorder, recorder } from './recorder.js';

export interface StackOptions {
  readonly registry?: Registry;
  readonly tracerProvider?: TracerProvider;
  /** Where log lines go. Default: an in-memory sink (`stack.log`). */
  readonly logDestination?: DestinationStream;
  readonly metrics?: MetricsOptions;
  readonly tracing?: TracingOptions;
  readonly logging?: LoggingOptions;
  /** Options for a new sentry() plugin, or an instance shared across stacks. */
  readonly sentry?: SentryOptions | McpscopePlugin;
  readonly health?: HealthOptions;
  /** Whether the recorder keeps every request's facts (default) or only counts them. */
  readonly keepRequests?: boolean;
}

export interface Stack {
  readonly plugins: readonly McpscopePlugin[];
  readonly metrics: MetricsPlugin;
  readonly tracing: McpscopePlugin;
  readonly logging: LoggingPlugin;
  readonly sentry: McpscopePlugin;
  readonly health: HealthPlugin;
  readonly recorder: Recorder;
  readonly registry: Registry;
  readonly log: LogSink;
  /** Every failure core reported through `onDiagnostic`. */
  readonly failures: Diagnostic[];
  /** Observes a server with every plugin of the stack (and the recorder), collecting failures. */
  observe<Server extends object>(server: Server, options?: ObserveOptions): Server;
  dispose(): void;
}

const isPlugin = (value: unknown): value is McpscopePlugin =>
  typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string';

export function createStack(options: StackOptions = {}): Stack {
  const registry = options.registry ?? new Registry();
  const log = new LogSink();
  const failures: Diagnostic[] = [];
  const metricsPlugin = metrics({ registry, ...options.metrics });
  const tracingPlugin = tracing({
    ...(options.tracerProvider === undefined ? {} : { tracerProvider: options.tracerProvider }),
    ...options.tracing,
  });
  const loggingPlugin = logging({
    logger: pino({ level: 'debug' }, options.logDestination ?? log),
    ...options.logging,
  });
  const sentryPlugin = isPlugin(options.sentry) ? options.sentry : sentry(options.sentry);
  const healthPlugin = health({ shutdown: false, ...options.health });
  const record = recorder({ keep: options.keepRequests ?? true });
  const plugins = [metricsPlugin, tracingPlugin, loggingPlugin, sentryPlugin, healthPlugin];
  return {
    plugins,
    metrics: metricsPlugin,
    tracing: tracingPlugin,
    logging: loggingPlugin,
    sentry: sentryPlugin,
    health: healthPlugin,
    recorder: record,
    registry,
    log,
    failures,
    observe(server, observeOptions) {
      const observed = observe(server, {
        onDiagnostic: (failure) => failures.push(failure),
        ...observeOptions,
      });
      observed.use(...plugins, record);
      return observed;
    },
    dispose() {
      healthPlugin.dispose();
    },
  };
}

interface Sample {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName?: string;
}

async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name} in the registry`);
  return (await metric.get()).values as Sample[];
}

/** The sum of `mcp_server_active_requests` over every method. */
export async function activeRequests(registry: Registry): Promise<number> {
  return (await samples(registry, 'mcp_server_active_requests')).reduce((sum, { value }) => sum + value, 0);
}

export async function activeSessions(registry: Registry): Promise<number> {
  return (await samples(registry, 'mcp_server_active_sessions')).reduce((sum, { value }) => sum + value, 0);
}

/** How many requests the operation duration histogram counted. */
export async function operationCount(registry: Registry): Promise<number> {
  return (await samples(registry, 'mcp_server_operation_duration_seconds'))
    .filter((sample) => sample.metricName === 'mcp_server_operation_duration_seconds_count')
    .reduce((sum, { value }) => sum + value, 0);
}

/** The `requests:inFlight` reading of the health plugin's readiness report. */
export async function healthInFlight(probes: HealthPlugin): Promise<unknown> {
  const report = await probes.readiness();
  return report.checks?.['requests:inFlight']?.[0]?.observedValue;
}
