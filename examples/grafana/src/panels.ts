/**
 * The panels operators need, as data: title, unit, visualization and PromQL. The dashboard is built
 * from this list, and the end-to-end test runs every query against a real Prometheus.
 */

export type Visualization = 'timeseries' | 'stat' | 'barchart';

export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly visualization: Visualization;
  readonly queries: readonly PanelQuery[];
  /** Grid width (of 24). */
  readonly width: number;
}

/** Selector every query carries, so the job and instance variables filter every panel. */
const target = 'job=~"$job", instance=~"$instance"';
const operations = 'mcp_server_operation_duration_seconds';
const rate = (selector: string, metric = `${operations}_count`) =>
  `rate(${metric}{${target}${selector}}[$__rate_interval])`;
const quantile = (q: number, by: string, selector = '') =>
  `histogram_quantile(${q}, sum by (le, ${by}) (${rate(selector, `${operations}_bucket`)}))`;

export const PANELS: readonly PanelSpec[] = [
  {
    title: 'Request rate by method',
    description: 'MCP requests per second, by method.',
    unit: 'reqps',
    visualization: 'timeseries',
    width: 12,
    queries: [{ expr: `sum by (mcp_method_name) (${rate('')})`, legend: '{{mcp_method_name}}' }],
  },
  {
    title: 'Error rate by error type',
    description:
      'Share of requests that failed, by error.type: a JSON-RPC code, tool_error (isError results), cancelled or closed.',
    unit: 'percentunit',
    visualization: 'timeseries',
    width: 12,
    queries: [
      {
        expr: `sum by (error_type) (${rate(', error_type!=""')}) / ignoring (error_type) group_left sum(${rate('')})`,
        legend: '{{error_type}}',
      },
    ],
  },
  {
    title: 'Failures by whose business they are',
    description:
      'Failed requests per second by mcp_error_side, as core decides it: client (its mistakes, flows it must follow, rate limits), server (the server failed: page on this), tool (a tool reported its own failure).',
    unit: 'reqps',
    visualization: 'timeseries',
    width: 12,
    queries: [
      {
        expr: `sum by (mcp_error_side) (${rate(', mcp_error_side!=""')})`,
        legend: '{{mcp_error_side}}',
      },
    ],
  },
  {
    title: 'Latency p50 / p90 / p99 by method',
    description: 'Request duration percentiles, from receipt until the response was handed to the transport.',
    unit: 's',
    visualization: 'timeseries',
    width: 12,
    queries: [
      { expr: quantile(0.5, 'mcp_method_name'), legend: 'p50 {{mcp_method_name}}' },
      { expr: quantile(0.9, 'mcp_method_name'), legend: 'p90 {{mcp_method_name}}' },
      { expr: quantile(0.99, 'mcp_method_name'), legend: 'p99 {{mcp_method_name}}' },
    ],
  },
  {
    title: 'Latency p50 / p90 / p99 by tool',
    description: 'tools/call duration percentiles for the tools picked in the tool variable.',
    unit: 's',
    visualization: 'timeseries',
    width: 12,
    queries: [
      {
        expr: quantile(0.5, 'gen_ai_tool_name', ', mcp_method_name="tools/call", gen_ai_tool_name=~"$tool"'),
        legend: 'p50 {{gen_ai_tool_name}}',
      },
      {
        expr: quantile(0.9, 'gen_ai_tool_name', ', mcp_method_name="tools/call", gen_ai_tool_name=~"$tool"'),
        legend: 'p90 {{gen_ai_tool_name}}',
      },
      {
        expr: quantile(0.99, 'gen_ai_tool_name', ', mcp_method_name="tools/call", gen_ai_tool_name=~"$tool"'),
        legend: 'p99 {{gen_ai_tool_name}}',
      },
    ],
  },
  {
    title: 'Tool invocations',
    description: 'tools/call requests over the dashboard range, by tool and outcome.',
    unit: 'short',
    visualization: 'barchart',
    width: 12,
    queries: [
      {
        expr: `sum by (gen_ai_tool_name, mcp_request_outcome) (increase(${operations}_count{${target}, mcp_method_name="tools/call", gen_ai_tool_name=~"$tool"}[$__range]))`,
        legend: '{{gen_ai_tool_name}} {{mcp_request_outcome}}',
      },
    ],
  },
  {
    title: 'Tool errors: model mistakes vs server bugs',
    description:
      'tool_error results per second by why they failed: invalid_arguments and unknown_tool are the model’s mistakes; handler_threw and invalid_output are the server’s bugs; handler_returned_error is reported by the tool itself.',
    unit: 'reqps',
    visualization: 'timeseries',
    width: 12,
    queries: [
      {
        expr: `sum by (mcp_tool_error_reason) (${rate(', mcp_method_name="tools/call", mcp_tool_error_reason!=""')})`,
        legend: '{{mcp_tool_error_reason}}',
      },
    ],
  },
  {
    title: 'In-flight requests',
    description: 'Requests the server is handling right now, by method.',
    unit: 'short',
    visualization: 'timeseries',
    width: 8,
    queries: [
      {
        expr: `sum by (mcp_method_name) (mcp_server_active_requests{${target}})`,
        legend: '{{mcp_method_name}}',
      },
    ],
  },
  {
    title: 'Active sessions',
    description: 'Initialized MCP sessions open right now.',
    unit: 'short',
    visualization: 'stat',
    width: 8,
    queries: [{ expr: `sum(mcp_server_active_sessions{${target}})`, legend: 'sessions' }],
  },
  {
    title: 'Session duration p50 / p90',
    description: 'How long sessions last, from initialize until the connection closed.',
    unit: 's',
    visualization: 'timeseries',
    width: 8,
    queries: [
      {
        expr: `histogram_quantile(0.5, sum by (le) (rate(mcp_server_session_duration_seconds_bucket{${target}}[$__rate_interval])))`,
        legend: 'p50',
      },
      {
        expr: `histogram_quantile(0.9, sum by (le) (rate(mcp_server_session_duration_seconds_bucket{${target}}[$__rate_interval])))`,
        legend: 'p90',
      },
    ],
  },
  {
    title: 'Refused requests',
    description: 'Requests a plugin answered itself: load shedding, graceful drain, rate limits.',
    unit: 'reqps',
    visualization: 'timeseries',
    width: 12,
    queries: [
      {
        expr: `sum by (mcp_refusal_plugin, mcp_refusal_reason) (rate(mcp_server_refused_requests_total{${target}}[$__rate_interval]))`,
        legend: '{{mcp_refusal_plugin}} {{mcp_refusal_reason}}',
      },
    ],
  },
  {
    title: 'Notifications',
    description: 'Notifications per second by method and direction (inbound: from clients).',
    unit: 'short',
    visualization: 'timeseries',
    width: 12,
    queries: [
      {
        expr: `sum by (mcp_method_name, mcp_notification_direction) (rate(mcp_server_notifications_total{${target}}[$__rate_interval]))`,
        legend: '{{mcp_notification_direction}} {{mcp_method_name}}',
      },
    ],
  },
  {
    title: 'Transport errors',
    description:
      'Errors the transport reported per second, by mcp_error_side: client (malformed JSON, requests before initialize, wrong headers) or server (broken streams).',
    unit: 'short',
    visualization: 'timeseries',
    width: 12,
    queries: [
      {
        expr: `sum by (mcp_error_side) (rate(mcp_server_transport_errors_total{${target}}[$__rate_interval]))`,
        legend: '{{mcp_error_side}}',
      },
    ],
  },
];

/** Grafana's own variables, as the end-to-end test substitutes them. */
export const GRAFANA_VARIABLES: Readonly<Record<string, string>> = {
  $__rate_interval: '1m',
  $__range: '10m',
  $job: '.+',
  $instance: '.+',
  $tool: '.+',
};

export function substituteVariables(expr: string): string {
  let result = expr;
  for (const [name, value] of Object.entries(GRAFANA_VARIABLES)) result = result.split(name).join(value);
  return result;
}
