/**
 * Metric names of both backends: the OpenTelemetry instrument names, and their Prometheus form as
 * OpenTelemetry's Prometheus exporters write it (`mcp.server.operation.duration` with unit `s` becomes
 * `mcp_server_operation_duration_seconds`; a counter gains `_total`).
 */
import { OTHER_VALUE } from '@mcpscope/core';

/** The conventions' bucket advice for every MCP duration histogram, in seconds. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
];

/** Payload sizes in bytes: 64 B to 4 MiB, by fours. */
export const DEFAULT_SIZE_BUCKETS: readonly number[] = [
  64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304,
];

/** The value every unbounded or unknown label value folds into (OpenTelemetry's word, from core). */
export const OTHER = OTHER_VALUE;

/** The metric families, each with its OpenTelemetry instrument and its Prometheus name. */
export const FAMILIES = {
  operationDuration: {
    instrument: 'mcp.server.operation.duration',
    prometheus: 'mcp_server_operation_duration_seconds',
    unit: 's',
    description: 'Duration of MCP requests handled here, from receipt until the response was sent.',
  },
  sessionDuration: {
    instrument: 'mcp.server.session.duration',
    prometheus: 'mcp_server_session_duration_seconds',
    unit: 's',
    description: 'Duration of MCP sessions, from connection until it closed.',
  },
  clientOperationDuration: {
    instrument: 'mcp.client.operation.duration',
    prometheus: 'mcp_client_operation_duration_seconds',
    unit: 's',
    description:
      "Duration of MCP requests sent from here (a client's calls; a server's sampling, elicitation, roots), until answered.",
  },
  activeSessions: {
    instrument: 'mcp.server.active_sessions',
    prometheus: 'mcp_server_active_sessions',
    unit: '',
    description: 'MCP sessions open right now (initialized connections).',
  },
  activeRequests: {
    instrument: 'mcp.server.active_requests',
    prometheus: 'mcp_server_active_requests',
    unit: '',
    description: 'MCP requests being handled right now.',
  },
  notifications: {
    instrument: 'mcp.server.notifications',
    prometheus: 'mcp_server_notifications_total',
    unit: '',
    description: 'MCP notifications by method and direction (inbound: from the peer; outbound: to the peer).',
  },
  refusedRequests: {
    instrument: 'mcp.server.refused_requests',
    prometheus: 'mcp_server_refused_requests_total',
    unit: '',
    description:
      'MCP requests a plugin answered itself instead of dispatching them (health drain, load shedding, rate limits).',
  },
  transportErrors: {
    instrument: 'mcp.server.transport_errors',
    prometheus: 'mcp_server_transport_errors_total',
    unit: '',
    description:
      'Errors the transport reported (malformed input, broken streams), by whose business they are.',
  },
  requestSize: {
    instrument: 'mcp.server.request.size',
    prometheus: 'mcp_server_request_size_bytes',
    unit: 'By',
    description: 'Size of MCP request params, serialized as JSON, in bytes.',
  },
  responseSize: {
    instrument: 'mcp.server.response.size',
    prometheus: 'mcp_server_response_size_bytes',
    unit: 'By',
    description: 'Size of MCP results and errors, serialized as JSON, in bytes.',
  },
} as const;

export type FamilyName = keyof typeof FAMILIES;

/** The Prometheus names, for dashboards and tests. */
export const METRIC_NAMES = Object.fromEntries(
  Object.entries(FAMILIES).map(([family, { prometheus }]) => [family, prometheus]),
) as { readonly [Family in FamilyName]: (typeof FAMILIES)[Family]['prometheus'] };

/** The OpenTelemetry instrument names, for views and tests. */
export const INSTRUMENT_NAMES = Object.fromEntries(
  Object.entries(FAMILIES).map(([family, { instrument }]) => [family, instrument]),
) as { readonly [Family in FamilyName]: (typeof FAMILIES)[Family]['instrument'] };
