/**
 * The fields of each line, named after the OpenTelemetry MCP semantic conventions where they exist
 * (Sentry's `mcp.client.*`, `mcp.transport`, `mcp.request.outcome` where they do not).
 */
import type { RequestFacts, SessionFacts } from '@mcpscope/core';
import { capString } from './redact.js';
import type { TraceFields } from './trace-context.js';

export type LineLevel = 'debug' | 'info' | 'warn' | 'error';

/** JSON-RPC codes that mean the client made a mistake (the conventions do not count them as errors). */
const CLIENT_MISTAKE_CODES: ReadonlySet<number> = new Set([-32700, -32600, -32601, -32602, -32002]);

/**
 * Level of a request line: client mistakes and tool errors at `warn`, other JSON-RPC errors and
 * thrown errors at `error`, slow requests raised to `warn`.
 */
export function requestLevel(request: RequestFacts, slow: boolean): LineLevel {
  const { outcome, errorCode } = request;
  if (request.refusal !== undefined) return 'warn';
  if (outcome === 'error') {
    return errorCode !== undefined && CLIENT_MISTAKE_CODES.has(errorCode) ? 'warn' : 'error';
  }
  if (outcome === 'tool_error') return request.error === undefined ? 'warn' : 'error';
  return outcome === 'closed' || slow ? 'warn' : 'info';
}

type TargetKey = 'gen_ai.tool.name' | 'gen_ai.prompt.name' | 'mcp.resource.uri' | undefined;

function targetKeyOf(method: string): TargetKey {
  switch (method) {
    case 'tools/call':
      return 'gen_ai.tool.name';
    case 'prompts/get':
      return 'gen_ai.prompt.name';
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return 'mcp.resource.uri';
    default:
      return undefined;
  }
}

/** The fields of a request line. Keys the plugin may fill later are present (undefined) for one shape. */
export interface RequestLine {
  'mcp.method.name': string;
  'gen_ai.tool.name': string | undefined;
  'gen_ai.prompt.name': string | undefined;
  'mcp.resource.uri': string | undefined;
  'jsonrpc.request.id': string;
  'mcp.session.id': string | undefined;
  'mcp.protocol.version': string | undefined;
  'mcp.client.name': string | undefined;
  'mcp.client.version': string | undefined;
  'mcp.transport': string;
  'network.transport': string | undefined;
  'mcp.request.outcome': string | undefined;
  'error.type': string | undefined;
  'rpc.response.status_code': string | undefined;
  'error.message': string | undefined;
  'mcp.tool.error_reason': string | undefined;
  'mcp.refusal.plugin': string | undefined;
  'mcp.refusal.reason': string | undefined;
  'mcp.refusal.scope': string | undefined;
  'mcp.request.slow': true | undefined;
  duration_ms: number | undefined;
  trace_id: string | undefined;
  span_id: string | undefined;
  trace_flags: string | undefined;
  'gen_ai.tool.call.arguments': unknown;
  'gen_ai.tool.call.result': unknown;
  err: unknown;
}

export function requestLine(
  request: RequestFacts,
  trace: TraceFields | undefined,
  maxValueLength: number,
): RequestLine {
  const { session, method, refusal, errorCode, durationMs } = request;
  const targetKey = targetKeyOf(method);
  const target = request.target === undefined ? undefined : capString(request.target, maxValueLength);
  return {
    'mcp.method.name': method,
    'gen_ai.tool.name': targetKey === 'gen_ai.tool.name' ? target : undefined,
    'gen_ai.prompt.name': targetKey === 'gen_ai.prompt.name' ? target : undefined,
    'mcp.resource.uri': targetKey === 'mcp.resource.uri' ? target : undefined,
    'jsonrpc.request.id': String(request.id),
    'mcp.session.id': session.id,
    'mcp.protocol.version': session.protocolVersion,
    'mcp.client.name': session.clientName,
    'mcp.client.version': session.clientVersion,
    'mcp.transport': session.transport,
    'network.transport': session.networkTransport,
    'mcp.request.outcome': request.outcome,
    'error.type': request.errorType,
    'rpc.response.status_code': errorCode === undefined ? undefined : String(errorCode),
    'error.message': undefined,
    'mcp.tool.error_reason': request.toolErrorReason,
    'mcp.refusal.plugin': refusal?.plugin,
    'mcp.refusal.reason': refusal?.reason,
    'mcp.refusal.scope': refusal?.scope,
    'mcp.request.slow': undefined,
    duration_ms: durationMs === undefined ? undefined : Math.round(durationMs * 1000) / 1000,
    trace_id: trace?.trace_id,
    span_id: trace?.span_id,
    trace_flags: trace?.trace_flags,
    'gen_ai.tool.call.arguments': undefined,
    'gen_ai.tool.call.result': undefined,
    err: undefined,
  };
}

/** The bindings of a request-scoped child logger: the same identifying keys as the request line. */
export function requestBindings(
  request: RequestFacts,
  trace: TraceFields | undefined,
  maxValueLength: number,
): Record<string, unknown> {
  const bindings: Record<string, unknown> = {
    'jsonrpc.request.id': String(request.id),
    'mcp.method.name': request.method,
  };
  const targetKey = targetKeyOf(request.method);
  if (targetKey !== undefined && request.target !== undefined) {
    bindings[targetKey] = capString(request.target, maxValueLength);
  }
  if (request.session.id !== undefined) bindings['mcp.session.id'] = request.session.id;
  if (trace !== undefined) Object.assign(bindings, trace);
  return bindings;
}

/** The message of a request line, e.g. `tools/call echo ok` or `tools/call add error -32602`. */
export function describeRequest(request: RequestFacts, slow: boolean, maxValueLength: number): string {
  const { method, target } = request;
  let text = target === undefined ? method : `${method} ${capString(target, maxValueLength)}`;
  if (request.refusal !== undefined)
    text += ` refused by ${request.refusal.plugin} (${request.refusal.reason})`;
  else if (request.outcome === 'error') text += ` error ${request.errorCode ?? ''}`;
  else text += ` ${request.outcome ?? 'started'}`;
  return slow ? `${text} (slow)` : text;
}

export interface SessionLine {
  'mcp.session.id': string | undefined;
  'mcp.protocol.version': string | undefined;
  'mcp.client.name': string | undefined;
  'mcp.client.version': string | undefined;
  'mcp.transport': string;
  'network.transport': string | undefined;
  duration_ms: number | undefined;
}

export function sessionLine(session: SessionFacts): SessionLine {
  const { durationMs } = session;
  return {
    'mcp.session.id': session.id,
    'mcp.protocol.version': session.protocolVersion,
    'mcp.client.name': session.clientName,
    'mcp.client.version': session.clientVersion,
    'mcp.transport': session.transport,
    'network.transport': session.networkTransport,
    duration_ms: durationMs === undefined ? undefined : Math.round(durationMs * 1000) / 1000,
  };
}
