/**
 * What a request means, decided once for every plugin: outcomes, tool-error reasons, whose mistake an
 * error is, the MCP methods, and the names that span attributes, log fields, Sentry tags and metric
 * labels draw from. Plugins never keep their own copies of these lists.
 */

/** How a request ended. Every started request ends exactly once, with exactly one of these. */
export const OUTCOMES = ['ok', 'tool_error', 'error', 'cancelled', 'closed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Why a tools/call failed: a model's mistake (`invalid_arguments`, `unknown_tool`), a server's bug
 * (`handler_threw`, `invalid_output`), or a failure the tool reported itself (`handler_returned_error`).
 */
export const TOOL_ERROR_REASONS = [
  'handler_threw',
  'handler_returned_error',
  'invalid_arguments',
  'unknown_tool',
  'invalid_output',
] as const;
export type ToolErrorReason = (typeof TOOL_ERROR_REASONS)[number];

/**
 * Whose business a failure is. `client`: the caller's mistake (bad JSON, unknown method or tool,
 * invalid arguments, a protocol flow the client must follow such as URL elicitation, a rate limit).
 * `server`: the server failed (a handler threw, an internal error, invalid output, overload).
 * `tool`: the tool answered with an `isError` result of its own.
 */
export const ERROR_SIDES = ['client', 'server', 'tool'] as const;
export type ErrorSide = (typeof ERROR_SIDES)[number];

/** The transport a connection runs on, as far as core can tell. */
export const TRANSPORT_KINDS = ['stdio', 'streamable-http', 'sse', 'in-memory', 'unknown'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

/** Which end of the protocol an observed instance is. */
export const ENDPOINT_ROLES = ['server', 'client'] as const;
export type EndpointRole = (typeof ENDPOINT_ROLES)[number];

/** `inbound`: the observed endpoint handles it. `outbound`: the observed endpoint sent it. */
export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** OpenTelemetry's word for a value outside a bounded set (unknown methods, unregistered tools). */
export const OTHER_VALUE = '_OTHER';

/** A JSON-RPC error code with a name, and the side whose business it is. */
export interface ErrorCodeEntry {
  readonly code: number;
  readonly name: string;
  readonly side: 'client' | 'server';
  /** Where the code is defined. */
  readonly source: 'json-rpc' | 'mcp' | 'mcpscope';
}

/**
 * The JSON-RPC error codes of JSON-RPC 2.0, of the MCP SDKs (v1 `ErrorCode`, v2 `ProtocolErrorCode`, up
 * to the 2026-07-28 revision) and of mcpscope's own refusals. Codes not listed belong to the server.
 */
export const ERROR_CODES: readonly ErrorCodeEntry[] = [
  { code: -32700, name: 'ParseError', side: 'client', source: 'json-rpc' },
  { code: -32600, name: 'InvalidRequest', side: 'client', source: 'json-rpc' },
  { code: -32601, name: 'MethodNotFound', side: 'client', source: 'json-rpc' },
  { code: -32602, name: 'InvalidParams', side: 'client', source: 'json-rpc' },
  { code: -32603, name: 'InternalError', side: 'server', source: 'json-rpc' },
  { code: -32000, name: 'ConnectionClosed', side: 'server', source: 'mcp' },
  { code: -32001, name: 'RequestTimeout', side: 'server', source: 'mcp' },
  { code: -32002, name: 'ResourceNotFound', side: 'client', source: 'mcp' },
  { code: -32020, name: 'HeaderMismatch', side: 'client', source: 'mcp' },
  { code: -32021, name: 'MissingRequiredClientCapability', side: 'client', source: 'mcp' },
  { code: -32022, name: 'UnsupportedProtocolVersion', side: 'client', source: 'mcp' },
  { code: -32042, name: 'UrlElicitationRequired', side: 'client', source: 'mcp' },
  { code: -32029, name: 'RateLimited', side: 'client', source: 'mcpscope' },
  { code: -32050, name: 'Overloaded', side: 'server', source: 'mcpscope' },
  { code: -32051, name: 'Draining', side: 'server', source: 'mcpscope' },
];

/** mcpscope's own refusal codes, from the range JSON-RPC leaves to implementations. */
export const REFUSAL_ERROR_CODES = {
  /** @mcpscope/rate-limit refused the request; the last digits recall HTTP 429. */
  rateLimited: -32029,
  /** @mcpscope/health is shedding load. */
  overloaded: -32050,
  /** @mcpscope/health is draining before shutdown. */
  draining: -32051,
} as const;

const CLIENT_ERROR_CODES: ReadonlySet<number> = new Set(
  ERROR_CODES.filter((entry) => entry.side === 'client').map((entry) => entry.code),
);

/** The codes that are the client's business, for alert rules and dashboards (`error_type!~"..."`). */
export const CLIENT_ERROR_CODE_LIST: readonly number[] = [...CLIENT_ERROR_CODES];

/** Whether a JSON-RPC error code means the client made a mistake (or must follow a protocol flow). */
export function isClientErrorCode(code: number): boolean {
  return CLIENT_ERROR_CODES.has(code);
}

const SCHEMA_ERROR_NAMES: ReadonlySet<string> = new Set(['ZodError', '$ZodError']);

/**
 * SDK 1.x answers a request whose params fail its own schema (a tool name that is not a string, arguments
 * that are not an object) with -32603 Internal error, the ZodError of that parse as the thrown error. The
 * client sent it: an error at `params` or `method` of the request schema is the client's business.
 */
export function isRequestSchemaError(error: unknown): boolean {
  if (!(error instanceof Error) || !SCHEMA_ERROR_NAMES.has(error.name)) return false;
  const issues = (error as { issues?: unknown }).issues;
  if (!Array.isArray(issues) || issues.length === 0) return false;
  return issues.every((issue: { path?: unknown }) => {
    const first = Array.isArray(issue?.path) ? issue.path[0] : undefined;
    return first === 'params' || first === 'method';
  });
}

/** Whose business a tools/call failure is, by its reason. */
export function toolErrorSide(reason: ToolErrorReason): ErrorSide {
  switch (reason) {
    case 'invalid_arguments':
    case 'unknown_tool':
      return 'client';
    case 'handler_returned_error':
      return 'tool';
    default:
      return 'server';
  }
}

/**
 * MCP methods (requests and notifications, both directions) up to the 2026-07-28 revision. Method names
 * come from clients: metrics fold any other name into `_OTHER`.
 */
export const MCP_METHODS: readonly string[] = [
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
];

const KNOWN_METHODS: ReadonlySet<string> = new Set(MCP_METHODS);

export function isMcpMethod(method: string): boolean {
  return KNOWN_METHODS.has(method);
}

/** The method as a bounded value: itself when MCP defines it, else `_OTHER`. */
export function boundedMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : OTHER_VALUE;
}

/**
 * The names every signal uses. Span attributes and Sentry tags use them as they are, log fields too;
 * metric labels use their Prometheus form (`metricLabelOf`), which is also what an OpenTelemetry
 * collector's Prometheus exporter derives from the attribute name.
 */
export const ATTRIBUTES = {
  // OpenTelemetry MCP semantic conventions (incubating; the gen_ai and mcp namespaces).
  methodName: 'mcp.method.name',
  protocolVersion: 'mcp.protocol.version',
  resourceUri: 'mcp.resource.uri',
  sessionId: 'mcp.session.id',
  toolName: 'gen_ai.tool.name',
  promptName: 'gen_ai.prompt.name',
  operationName: 'gen_ai.operation.name',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  jsonrpcRequestId: 'jsonrpc.request.id',
  jsonrpcProtocolVersion: 'jsonrpc.protocol.version',
  rpcResponseStatusCode: 'rpc.response.status_code',
  // Stable OpenTelemetry attributes.
  errorType: 'error.type',
  networkTransport: 'network.transport',
  networkProtocolName: 'network.protocol.name',
  networkProtocolVersion: 'network.protocol.version',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  // mcpscope's own (not in the conventions).
  outcome: 'mcp.request.outcome',
  errorSide: 'mcp.error.side',
  toolErrorReason: 'mcp.tool.error_reason',
  refusalPlugin: 'mcp.refusal.plugin',
  refusalReason: 'mcp.refusal.reason',
  refusalScope: 'mcp.refusal.scope',
  clientName: 'mcp.client.name',
  clientVersion: 'mcp.client.version',
  serverName: 'mcp.server.name',
  serverVersion: 'mcp.server.version',
  transport: 'mcp.transport',
  progressCurrent: 'mcp.progress.current',
  progressTotal: 'mcp.progress.total',
  cancelledReason: 'mcp.cancelled.reason',
  slow: 'mcp.request.slow',
} as const;

export type AttributeName = (typeof ATTRIBUTES)[keyof typeof ATTRIBUTES];

/** `gen_ai.operation.name` for tools/call. */
export const EXECUTE_TOOL_OPERATION = 'execute_tool';

/** The attribute that names a request's target: tool name, prompt name or resource URI. */
export function targetAttributeOf(
  method: string,
): typeof ATTRIBUTES.toolName | typeof ATTRIBUTES.promptName | typeof ATTRIBUTES.resourceUri | undefined {
  switch (method) {
    case 'tools/call':
      return ATTRIBUTES.toolName;
    case 'prompts/get':
      return ATTRIBUTES.promptName;
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return ATTRIBUTES.resourceUri;
    default:
      return undefined;
  }
}

/**
 * The Prometheus form of an attribute name, as OpenTelemetry's Prometheus exporters write it:
 * every character outside `[a-zA-Z0-9_]` becomes `_` (`mcp.method.name` → `mcp_method_name`).
 */
export function metricLabelOf(attribute: string): string {
  return attribute.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Transport errors caused by what a client sent (malformed JSON, a request before `initialize`, a
 * missing or unknown session, wrong headers). Matched against the error's message as the MCP SDKs
 * (v1 and v2) word them; anything else is a failure of the server's side.
 */
const CLIENT_TRANSPORT_ERRORS: readonly RegExp[] = [
  /^Parse error/i,
  /Invalid JSON/i,
  /^Invalid (JSON-RPC )?message/i,
  /Server not initialized/i,
  /Server already initialized/i,
  /^Bad Request/i,
  /^Not Acceptable/i,
  /^Unsupported Media Type/i,
  /^Method not allowed/i,
  /Session not found/i,
  /Mcp-Session-Id header is required/i,
  /Unsupported protocol version/i,
  /Only one initialization request is allowed/i,
  /Conflict: Only one SSE stream/i,
  /message too large|payload too large|body exceeds/i,
];

const CLIENT_TRANSPORT_ERROR_NAMES: ReadonlySet<string> = new Set(['SyntaxError', 'ZodError', '$ZodError']);

/** Whose business a transport error is: `client` when the client sent something the SDK rejected. */
export function transportErrorSide(error: unknown): 'client' | 'server' {
  if (!(error instanceof Error)) return 'server';
  if (
    CLIENT_TRANSPORT_ERROR_NAMES.has(error.name) ||
    CLIENT_TRANSPORT_ERROR_NAMES.has(error.constructor.name)
  ) {
    return 'client';
  }
  const message = error.message;
  for (const pattern of CLIENT_TRANSPORT_ERRORS) if (pattern.test(message)) return 'client';
  return 'server';
}
