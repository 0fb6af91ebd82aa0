import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';
import type { DefaultMetricsCollectorConfiguration, Registry } from 'prom-client';

/** Labels attached to one duration observation as an OpenMetrics exemplar (at most 128 characters). */
export type ExemplarLabels = Readonly<Record<string, string>>;

export interface MetricsOptions {
  /** The prom-client registry to record into. Default: prom-client's global `register`. */
  readonly registry?: Registry;
  /** Prepended to every metric name, e.g. `myapp_`. Default: none. */
  readonly prefix?: string;
  /** Buckets of the operation duration histograms, in seconds. Default: the OpenTelemetry MCP advice. */
  readonly buckets?: readonly number[];
  /** Buckets of the session duration histogram, in seconds. Default: the OpenTelemetry MCP advice. */
  readonly sessionBuckets?: readonly number[];
  /** Constant labels added to every series of this plugin, e.g. `{ service: 'weather' }`. */
  readonly staticLabels?: Readonly<Record<string, string>>;
  /**
   * Labels to leave out, to save series: any of `gen_ai_tool_name`, `gen_ai_prompt_name`,
   * `error_type`, `tool_error_reason`, `outcome`, `network_transport`, `mcp_protocol_version`.
   */
  readonly dropLabels?: readonly string[];
  /**
   * Also collect prom-client's Node.js default metrics (process CPU, memory, event loop lag, GC) into
   * the same registry, with the same prefix and static labels. `true` or prom-client's options.
   */
  readonly defaultMetrics?:
    | boolean
    | Omit<DefaultMetricsCollectorConfiguration<'text/plain; version=0.0.4; charset=utf-8'>, 'register'>;
  /**
   * Attach the active OpenTelemetry span's `trace_id` and `span_id` to duration observations as
   * exemplars (shown in OpenMetrics exposition). Needs `@opentelemetry/api` installed and a sampled
   * span active when the request ends. Default `true`; without OpenTelemetry it does nothing.
   */
  readonly exemplars?: boolean;
  /** Chooses the exemplar labels of a request instead of the active span (`undefined` for none). */
  readonly getExemplarLabels?: (request: RequestFacts) => ExemplarLabels | undefined;
  /**
   * Record request and response payload sizes (`mcp_server_request_size_bytes`,
   * `mcp_server_response_size_bytes`). Off by default: it serializes params and results again.
   */
  readonly payloadSizes?: boolean;
  /** Path of the exposition route served by core's handlers and side listener. Default `/metrics`. */
  readonly path?: string;
  /** When set, the route answers 401 unless the request carries `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
  /**
   * In Node cluster workers: share the registry with the primary's `clusterMetrics()` route
   * (prom-client's AggregatorRegistry) and contribute no route of its own. Ignored outside cluster
   * workers (a single process serves its own route). Default `false`.
   */
  readonly cluster?: boolean;
}

/** The plugin returned by `metrics()`. */
export interface MetricsPlugin extends McpscopePlugin {
  /** The registry the plugin records into. */
  readonly registry: Registry;
}

export interface ClusterMetricsOptions {
  /** Path of the aggregated exposition route. Default `/metrics`. */
  readonly path?: string;
  /** When set, the route answers 401 unless the request carries `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
}
