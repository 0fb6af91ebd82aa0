/**
 * Loaded before anything else (`import './instrument.js'` first in main.ts): the error-tracking and
 * OpenTelemetry SDKs the server's owner sets up. mcpscope's plugins report through them.
 */

// #region sentry-init
import * as Sentry from '@sentry/node';

// Errors go to SENTRY_DSN; without it the Sentry plugin stays quiet. Never set `debug` on a stdio server.
// OpenTelemetry (below) owns tracing: Sentry registers no tracer provider of its own (the default, spelled
// out). mcpscope's Sentry plugin files each MCP error on its request's trace.
Sentry.init({
  dsn: process.env.SENTRY_DSN,
  environment: process.env.NODE_ENV ?? 'development',
  enableOpenTelemetrySetup: false,
});

// #endregion sentry-init

// #region opentelemetry
import { format } from 'node:util';
import { diag } from '@opentelemetry/api';
import { core, NodeSDK, resources, tracing } from '@opentelemetry/sdk-node';

// The SDK reads the OTEL_* variables itself: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the resource),
// OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS and _PROTOCOL (http/protobuf unless set to http/json or grpc),
// OTEL_METRIC_EXPORT_INTERVAL, OTEL_TRACES_SAMPLER, OTEL_SDK_DISABLED... Spans go to {endpoint}/v1/traces
// through a BatchSpanProcessor, metrics to {endpoint}/v1/metrics through a PeriodicExportingMetricReader.
// Without an endpoint nothing is exported (no retries against a collector that is not there): spans still
// get trace ids (the logs carry them); no MeterProvider is registered, which the OpenTelemetry metrics
// plugin reports once on stderr (Prometheus /metrics is unaffected).
const exporting = process.env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;

// OTEL_LOG_LEVEL: the SDK's own log lines go to stderr. (NodeSDK would install a console logger, whose info and
// debug lines go to stdout: on a stdio server, the MCP transport. So it does not see the variable.)
const { OTEL_LOG_LEVEL } = process.env;
const logLevel = core.diagLogLevelFromString(OTEL_LOG_LEVEL);
if (logLevel !== undefined) {
  const toStderr = (message: string, ...args: unknown[]) =>
    void process.stderr.write(`${format(message, ...args)}\n`);
  diag.setLogger(
    { error: toStderr, warn: toStderr, info: toStderr, debug: toStderr, verbose: toStderr },
    { logLevel },
  );
}
delete process.env.OTEL_LOG_LEVEL;

export const sdk = new NodeSDK({
  // The service name unless OTEL_SERVICE_NAME says otherwise (the variables override this resource).
  resource: resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'weather-mcp' })),
  ...(exporting ? {} : { spanProcessors: [new tracing.NoopSpanProcessor()], metricReaders: [] }),
  logRecordProcessors: [], // pino writes the logs, on stderr
  instrumentations: [], // no auto-instrumentation: mcpscope's tracing plugin makes the MCP spans
});
if (OTEL_LOG_LEVEL !== undefined) process.env.OTEL_LOG_LEVEL = OTEL_LOG_LEVEL;
sdk.start();
// Call sdk.shutdown() last when the process stops: it exports what is left, then stops the SDK (the HTTP
// example's drain does, in health's onShutdown; the tracing plugin flushes spans when a server closes).
// #endregion opentelemetry
