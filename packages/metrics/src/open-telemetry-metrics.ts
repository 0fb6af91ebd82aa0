import { type McpscopePlugin, reportDiagnostic } from '@mcpscope/core';
import { createNoopMeter, metrics as metricsApi } from '@opentelemetry/api';
import { CustomLabelSet } from './custom-labels.js';
import { METRICS_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { OWN_LABELS } from './dimensions.js';
import { openTelemetryBackend } from './open-telemetry-backend.js';
import type { OpenTelemetryMetricsOptions } from './open-telemetry-types.js';
import { hookFailureReporter } from './plugin-diagnostics.js';
import { type RecordingHooks, recordingHooks } from './recorder.js';

/** The meter's name (OpenTelemetry's instrumentation scope). */
export const METER_NAME = '@mcpscope/metrics';

/**
 * MCP metrics on the OpenTelemetry Meter API: `server.use(openTelemetryMetrics({ meterProvider }))`.
 * Instruments and attributes follow the MCP semantic conventions, bounded as `metrics()` bounds them.
 */
export function openTelemetryMetrics(options: OpenTelemetryMetricsOptions = {}): McpscopePlugin {
  const { meterProvider, customLabels = {}, ignore, payloadSizes = false } = options;
  let plugin: McpscopePlugin | undefined;
  const failed = hookFailureReporter(() => plugin!);
  const custom = new CustomLabelSet(customLabels, OWN_LABELS, failed);
  let hooks: RecordingHooks | undefined;

  // The global provider is read when the plugin is first attached: SDKs usually start after imports.
  const start = (): RecordingHooks => {
    const provider = meterProvider ?? metricsApi.getMeterProvider();
    const meter = provider.getMeter(METER_NAME);
    if (meter === createNoopMeter()) {
      reportDiagnostic(plugin!, {
        code: METRICS_DIAGNOSTIC_CODES.noMeterProvider,
        message:
          'no OpenTelemetry MeterProvider is registered (start the SDK before attaching the plugin, or pass meterProvider); nothing is recorded',
      });
    }
    return recordingHooks({
      backend: openTelemetryBackend(meter, custom.names),
      custom: custom.names.length === 0 ? undefined : custom,
      ignore,
      failed,
      payloadSizes,
    });
  };

  const created: McpscopePlugin = {
    name: 'metrics',
    setup() {
      hooks ??= start();
    },
    onSessionStart: (session) => hooks?.onSessionStart(session),
    onSessionEnd: (session) => hooks?.onSessionEnd(session),
    onRequestStart: (request) => hooks?.onRequestStart(request),
    onRequestEnd: (request) => hooks?.onRequestEnd(request),
    onNotification: (notification) => hooks?.onNotification(notification),
    onOutboundRequestEnd: (request) => hooks?.onOutboundRequestEnd(request),
    onTransportError: (transportError) => hooks?.onTransportError(transportError),
  };
  plugin = created;
  return created;
}
