/**
 * Loaded before anything else (`import './instrument.js'` first in main.ts): the error-tracking and
 * tracing SDKs the server's owner sets up. mcpscope's plugins report through them.
 */

// #region sentry-init
import * as Sentry from '@sentry/node';

// Errors go to SENTRY_DSN; without it the Sentry plugin stays quiet. Never set `debug` on a stdio server.
Sentry.init({ dsn: process.env.SENTRY_DSN, environment: process.env.NODE_ENV ?? 'development' });

// #endregion sentry-init

// #region opentelemetry
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

// Spans go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (an OpenTelemetry Collector, Jaeger, Tempo...).
export const tracerProvider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'weather-mcp' }),
  spanProcessors: process.env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? [new BatchSpanProcessor(new OTLPTraceExporter())]
    : [],
});
trace.setGlobalTracerProvider(tracerProvider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(
  new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
);
// #endregion opentelemetry
