/** Public types of the prom-client backend (`@mcpscope/metrics`). */
import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';
import type { DefaultMetricsCollectorConfiguration, Registry } from 'prom-client';
import type { ExemplarLabels, RecordingOptions } from './types.js';

export interface MetricsOptions extends RecordingOptions {
  /**
   * The prom-client registry to record into.
   * @default prom-client's global `register`
   */
  readonly registry?: Registry;
  /**
   * Prepended to every metric name, e.g. `myapp_`.
   * @default ''
   */
  readonly prefix?: string;
  /**
   * Buckets of the operation duration histograms, in seconds.
   * @default [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] (the conventions' advice)
   */
  readonly buckets?: readonly number[];
  /**
   * Buckets of the session duration histogram, in seconds.
   * @default the same as `buckets`' default
   */
  readonly sessionBuckets?: readonly number[];
  /**
   * Constant labels added to every series of this plugin, e.g. `{ service: 'weather' }`.
   * @default {}
   */
  readonly staticLabels?: Readonly<Record<string, string>>;
  /**
   * Labels to leave out, to save series (see the README for the droppable ones), e.g.
   * `['mcp_request_outcome', 'mcp_tool_error_reason']` for the conventions' labels only.
   * @default []
   */
  readonly dropLabels?: readonly string[];
  /**
   * Also collect prom-client's Node.js default metrics (process CPU, memory, event loop lag, GC) into
   * the same registry, with the same prefix and static labels. `true` or prom-client's options.
   * @default false
   */
  readonly defaultMetrics?:
    | boolean
    | Omit<DefaultMetricsCollectorConfiguration<'text/plain; version=0.0.4; charset=utf-8'>, 'register'>;
  /**
   * Attach the `trace_id` and `span_id` of the span that recorded each request (set by
   * `@mcpscope/tracing`, sampled spans only) to the operation histograms as OpenMetrics exemplars.
   * @default true
   */
  readonly exemplars?: boolean;
  /**
   * Chooses a request's exemplar labels instead of its span ids (`undefined` for none). A throw is
   * reported once and the request gets no exemplar.
   * @default undefined (the span ids)
   */
  readonly getExemplarLabels?: (request: RequestFacts) => ExemplarLabels | undefined;
  /**
   * Path of the exposition route served by core's handlers and side listener.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * When set, the route answers 401 unless the request carries `Authorization: Bearer <token>`.
   * @default undefined (no token asked)
   */
  readonly bearerToken?: string | undefined;
  /**
   * In Node cluster workers: share the registry with the primary's `clusterMetrics()` route
   * (prom-client's AggregatorRegistry) and contribute no route of its own. Ignored outside cluster
   * workers (a single process serves its own route).
   * @default false
   */
  readonly cluster?: boolean;
}

/** The plugin returned by `metrics()`. */
export interface MetricsPlugin extends McpscopePlugin {
  /** The registry the plugin records into. */
  readonly registry: Registry;
}

export interface ClusterMetricsOptions {
  /**
   * Path of the aggregated exposition route.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * When set, the route answers 401 unless the request carries `Authorization: Bearer <token>`.
   * @default undefined (no token asked)
   */
  readonly bearerToken?: string | undefined;
}
