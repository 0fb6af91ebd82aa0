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

/**
 * The per-connection bindings: session id, protocol version, client, transport. Written once into a
 * cached child logger, so request lines do not serialize them again.
 */
export function sessionBindings(session: SessionFacts): Record<string, unknown> {
  const bindings: Record<string, unknown> = {};
  if (session.id !== undefined) bindings['mcp.session.id'] = session.id;
  if (session.protocolVersion !== undefined) bindings['mcp.protocol.version'] = session.protocolVersion;
  if (session.clientName !== undefined) bindings['mcp.client.name'] = session.clientName;
  if (session.clientVersion !== undefined) bindings['mcp.client.version'] = session.clientVersion;
  bindings['mcp.transport'] = session.transport;
  if (session.networkTransport !== undefined) bindings['network.transport'] = session.networkTransport;
  return bindings;
}

/** The keys that identify a request: the same on its request line and on its handler's lines. */
function identify(
  into: Record<string, unknown>,
  request: RequestFacts,
  maxValueLength: number,
): Record<string, unknown> {
  into['mcp.method.name'] = request.method;
  const targetKey = targetKeyOf(request.method);
  if (targetKey !== undefined && request.target !== undefined) {
    into[targetKey] = capString(request.target, maxValueLength);
  }
  into['jsonrpc.request.id'] = String(request.id);
  return into;
}

function addTrace(into: Record<string, unknown>, trace: TraceFields | undefined): void {
  if (trace === undefined) return;
  into.trace_id = trace.trace_id;
  into.span_id = trace.span_id;
  into.trace_flags = trace.trace_flags;
}

/** The fields of a request line (written through the session's child logger). */
export function requestLine(
  request: RequestFacts,
  trace: TraceFields | undefined,
  maxValueLength: number,
): Record<string, unknown> {
  const line = identify({}, request, maxValueLength);
  const { outcome, errorCode, refusal, durationMs } = request;
  if (outcome !== undefined) line['mcp.request.outcome'] = outcome;
  if (request.errorType !== undefined) line['error.type'] = request.errorType;
  if (errorCode !== undefined) line['rpc.response.status_code'] = String(errorCode);
  if (request.toolErrorReason !== undefined) line['mcp.tool.error_reason'] = request.toolErrorReason;
  if (refusal !== undefined) {
    line['mcp.refusal.plugin'] = refusal.plugin;
    line['mcp.refusal.reason'] = refusal.reason;
    if (refusal.scope !== undefined) line['mcp.refusal.scope'] = refusal.scope;
  }
  if (durationMs !== undefined) line.duration_ms = roundMs(durationMs);
  addTrace(line, trace);
  return line;
}

/** The bindings of a request's child logger (a child of its session's logger). */
export function requestBindings(
  request: RequestFacts,
  trace: TraceFields | undefined,
  maxValueLength: number,
): Record<string, unknown> {
  const bindings = identify({}, request, maxValueLength);
  addTrace(bindings, trace);
  return bindings;
}

export function roundMs(durationMs: number): number {
  return Math.round(durationMs * 1000) / 1000;
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
