/** Public types of the OpenTelemetry backend (`@mcpscope/metrics/opentelemetry`). */
import type { MeterProvider } from '@opentelemetry/api';
import type { RecordingOptions } from './types.js';

export interface OpenTelemetryMetricsOptions extends RecordingOptions {
  /**
   * The MeterProvider whose meter records the instruments.
   * @default the global provider (`metrics.getMeterProvider()` of `@opentelemetry/api`), read when
   * the plugin is first attached
   */
  readonly meterProvider?: MeterProvider;
}
