/**
 * Attribute names of the OpenTelemetry MCP semantic conventions (v1.41.0), plus the few mcpscope adds,
 * and the span naming rule shared by server and client spans.
 */
import type { Span } from '@opentelemetry/api';

export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri';
export const ATTR_MCP_SESSION_ID = 'mcp.session.id';
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const ATTR_NETWORK_TRANSPORT = 'network.transport';
export const ATTR_NETWORK_PROTOCOL_NAME = 'network.protocol.name';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';

// mcpscope's own attributes (not in the conventions).
export const ATTR_MCP_REQUEST_OUTCOME = 'mcp.request.outcome';
export const ATTR_MCP_TOOL_ERROR_REASON = 'mcp.tool.error_reason';
export const ATTR_MCP_REFUSAL_REASON = 'mcp.request.refusal.reason';
export const ATTR_MCP_REFUSAL_PLUGIN = 'mcp.request.refusal.plugin';
export const ATTR_MCP_PROGRESS_CURRENT = 'mcp.progress.current';
export const ATTR_MCP_PROGRESS_TOTAL = 'mcp.progress.total';
export const ATTR_MCP_CANCELLED_REASON = 'mcp.cancelled.reason';

export const EXECUTE_TOOL = 'execute_tool';

/** Client-supplied names and URIs are cut to this length in span names and attributes. */
const MAX_TARGET_LENGTH = 256;

/** JSON-RPC error codes the conventions attribute to the caller (server side). */
const CALLER_ERROR_CODES = new Set([-32700, -32600, -32601, -32602, -32002]);

export function isCallerErrorCode(code: number): boolean {
  return CALLER_ERROR_CODES.has(code);
}

export function capTarget(target: string): string {
  return target.length > MAX_TARGET_LENGTH ? target.slice(0, MAX_TARGET_LENGTH) : target;
}

/** The request's target: tool or prompt name, or resource URI (the same rule as core's facts). */
export function targetOf(method: string, params: Readonly<Record<string, unknown>> | undefined): unknown {
  if (params === undefined) return undefined;
  switch (method) {
    case 'tools/call':
    case 'prompts/get':
      return params.name;
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return params.uri;
    default:
      return undefined;
  }
}

/** `{mcp.method.name} {target}`: the target is a tool or prompt name; a resource URI only if asked. */
export function spanNameOf(
  method: string,
  target: string | undefined,
  resourceUriInSpanName: boolean,
): string {
  if (target === undefined) return method;
  if (method === 'tools/call' || method === 'prompts/get') return `${method} ${capTarget(target)}`;
  if (resourceUriInSpanName && method.startsWith('resources/')) return `${method} ${capTarget(target)}`;
  return method;
}

/** The attributes every request span carries, whichever side records it. */
export function setRequestAttributes(
  span: Span,
  method: string,
  id: string | number,
  target: string | undefined,
): void {
  span.setAttribute(ATTR_MCP_METHOD_NAME, method);
  span.setAttribute(ATTR_JSONRPC_REQUEST_ID, String(id));
  if (method === 'tools/call') span.setAttribute(ATTR_GEN_AI_OPERATION_NAME, EXECUTE_TOOL);
  if (target === undefined) return;
  if (method === 'tools/call') {
    span.setAttribute(ATTR_GEN_AI_TOOL_NAME, capTarget(target));
  } else if (method === 'prompts/get') {
    span.setAttribute(ATTR_GEN_AI_PROMPT_NAME, capTarget(target));
  } else if (method.startsWith('resources/')) {
    span.setAttribute(ATTR_MCP_RESOURCE_URI, target);
  }
}
