/**
 * The five plugins, created once and attached to every server (one per session). Each block is what the
 * plugin's README shows.
 */

// #region metrics
import { metrics } from '@mcpscope/metrics';
import { Registry } from 'prom-client';

export const registry = new Registry();
// mcp_server_operation_duration_seconds and friends, plus Node's default process metrics.
export const metricsPlugin = metrics({ registry, defaultMetrics: true });

// #endregion metrics

// #region metrics-opentelemetry
import { openTelemetryMetrics } from '@mcpscope/metrics/opentelemetry';

// The same metrics on the OpenTelemetry Meter API (mcp.server.operation.duration...), through the global
// MeterProvider that instrument.ts starts: exported over OTLP with the spans.
export const openTelemetryMetricsPlugin = openTelemetryMetrics();

// #endregion metrics-opentelemetry

// #region tracing
import { tracing } from '@mcpscope/tracing';

// One SERVER span per request, parented on the client's `_meta` trace context; tool spans nest inside.
export const tracingPlugin = tracing();

// #endregion tracing

// #region logging
import { logging } from '@mcpscope/logging';

// One JSON line per request on stderr (LOG_LEVEL respected); getLogger() inside handlers.
export const loggingPlugin = logging({ slowRequestMs: 2_000 });

// #endregion logging

// #region sentry
import { sentry } from '@mcpscope/sentry';

// The original error a tool throws, tagged with tool, client and session; client mistakes are skipped.
export const sentryPlugin = sentry();

// #endregion sentry

// The OpenTelemetry NodeSDK that instrument.ts started (outside the region: the README shows health alone).
import { sdk } from '@mcpscope/example-weather/instrument';

// #region health
import { health } from '@mcpscope/health';

// /livez, /readyz and /healthz; on SIGTERM: readiness 503, drain in-flight requests, flush, exit 0.
export const healthPlugin = health({
  checks: { 'weather-api:reachable': async () => true },
  // Last step of the drain, before the exit: the OpenTelemetry SDK (sdk) exports what it holds and stops.
  shutdown: { timeoutMs: 10_000, onShutdown: () => sdk.shutdown() },
});

// #endregion health

// #region rate-limit
import { rateLimit } from '@mcpscope/rate-limit';

// Every client gets 600 requests a minute; the alerts upstream allows 15 a minute for the whole server.
export const rateLimitPlugin = rateLimit({
  client: { limit: 600, windowMs: 60_000 },
  tools: { get_alerts: { limit: 15, windowMs: 60_000, shared: true } },
});
// #endregion rate-limit

export const plugins = [
  metricsPlugin,
  openTelemetryMetricsPlugin,
  tracingPlugin,
  loggingPlugin,
  sentryPlugin,
  healthPlugin,
  rateLimitPlugin,
] as const;
