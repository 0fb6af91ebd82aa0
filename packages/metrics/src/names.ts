/**
 * Metric and label names: the OpenTelemetry MCP semantic conventions in Prometheus form
 * (`mcp.server.operation.duration` becomes `mcp_server_operation_duration_seconds`).
 */

/** The conventions' bucket advice for every MCP duration histogram, in seconds. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
];

/** Payload sizes in bytes: 64 B to 4 MiB, by fours. */
export const DEFAULT_SIZE_BUCKETS: readonly number[] = [
  64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304,
];

/** The value every unbounded or unknown client-supplied label value folds into (OpenTelemetry's word). */
export const OTHER = '_OTHER';

export const METRIC_NAMES = {
  operationDuration: 'mcp_server_operation_duration_seconds',
  sessionDuration: 'mcp_server_session_duration_seconds',
  activeSessions: 'mcp_server_active_sessions',
  activeRequests: 'mcp_server_active_requests',
  notifications: 'mcp_server_notifications_total',
  refusedRequests: 'mcp_server_refused_requests_total',
  clientOperationDuration: 'mcp_client_operation_duration_seconds',
  requestSize: 'mcp_server_request_size_bytes',
  responseSize: 'mcp_server_response_size_bytes',
} as const;

export const LABEL_NAMES = {
  method: 'mcp_method_name',
  tool: 'gen_ai_tool_name',
  prompt: 'gen_ai_prompt_name',
  errorType: 'error_type',
  toolErrorReason: 'tool_error_reason',
  outcome: 'outcome',
  networkTransport: 'network_transport',
  protocolVersion: 'mcp_protocol_version',
  direction: 'direction',
  plugin: 'plugin',
  reason: 'reason',
  scope: 'scope',
} as const;

/** Labels a user may drop (`dropLabels`); the method name and the refusal labels always stay. */
export const DROPPABLE_LABELS: readonly string[] = [
  LABEL_NAMES.tool,
  LABEL_NAMES.prompt,
  LABEL_NAMES.errorType,
  LABEL_NAMES.toolErrorReason,
  LABEL_NAMES.outcome,
  LABEL_NAMES.networkTransport,
  LABEL_NAMES.protocolVersion,
];

/**
 * MCP methods (requests and notifications, both directions) up to the 2026-07-28 revision. Method
 * names come from clients, so any other name is recorded as `_OTHER`.
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'subscriptions/listen',
  'logging/setLevel',
  'completion/complete',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tasks/cancel',
  'sampling/createMessage',
  'elicitation/create',
  'roots/list',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/message',
  'notifications/resources/updated',
  'notifications/resources/list_changed',
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
  'notifications/roots/list_changed',
  'notifications/subscriptions/acknowledged',
  'notifications/tasks/status',
  'notifications/elicitation/complete',
]);

export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : OTHER;
}
