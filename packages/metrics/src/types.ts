/** Public types both backends share (no peer library's types here: each backend has its own file). */
import type { RequestFacts } from '@mcpscope/core';

/** Labels attached to one duration observation as an OpenMetrics exemplar (at most 128 characters). */
export type ExemplarLabels = Readonly<Record<string, string>>;

/** One label of your own, computed per request and bounded by the values you list. */
export interface CustomLabel {
  /** Every value the label may take. Anything else the hook returns is recorded as `_OTHER`. */
  readonly values: readonly string[];
  /**
   * The request's value, called once when the request ends (its outcome is known). `undefined`
   * records `''` (Prometheus) or leaves the attribute out (OpenTelemetry). A throw is reported once
   * (`MCPSCOPE_METRICS_HOOK_FAILED`) and counts as `undefined`.
   */
  readonly value: (request: RequestFacts) => string | undefined;
}

/** Labels of your own, by label name (a valid Prometheus label name, also the attribute name). */
export type CustomLabels = Readonly<Record<string, CustomLabel>>;

/** What both backends record, and for which requests. */
export interface RecordingOptions {
  /**
   * Labels of your own on the operation histograms, refused requests and payload sizes, e.g.
   * `{ tenant: { values: ['a', 'b'], value: (request) => request.meta?.tenant } }`.
   * @default {}
   */
  readonly customLabels?: CustomLabels;
  /**
   * Requests to leave out of every per-request metric (inbound: called when the request starts;
   * outbound: when it ends). A throw is reported once and the request is recorded.
   * @default undefined (every request is recorded)
   */
  readonly ignore?: (request: RequestFacts) => boolean;
  /**
   * Record request and response payload sizes (`mcp_server_request_size_bytes`,
   * `mcp_server_response_size_bytes`). Off by default: it serializes params and results again.
   * @default false
   */
  readonly payloadSizes?: boolean;
}
