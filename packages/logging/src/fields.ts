/**
 * The fields of each line. Names are core's `ATTRIBUTES` (the OpenTelemetry MCP semantic conventions
 * and mcpscope's own), plus `duration_ms`, `error.message`, `err` and the trace keys of OpenTelemetry's
 * pino instrumentation (`trace_id`, `span_id`, `trace_flags`).
 */
import { ATTRIBUTES, capText, type RequestFacts, type SessionFacts, targetAttributeOf } from '@mcpscope/core';

/** Clients choose targets: a tool name or resource URI longer than this is cut (as span names are). */
const MAX_TARGET_LENGTH = 256;

export const DURATION_FIELD = 'duration_ms';
export const ERROR_MESSAGE_FIELD = 'error.message';
export const ERROR_FIELD = 'err';
export const TRACE_ID_FIELD = 'trace_id';
export const SPAN_ID_FIELD = 'span_id';
export const TRACE_FLAGS_FIELD = 'trace_flags';

/** Keys `customProps` may not set: mcpscope's own fields and pino's. */
const RESERVED_FIELDS: ReadonlySet<string> = new Set<string>([
  ...Object.values(ATTRIBUTES),
  DURATION_FIELD,
  ERROR_MESSAGE_FIELD,
  ERROR_FIELD,
  TRACE_ID_FIELD,
  SPAN_ID_FIELD,
  TRACE_FLAGS_FIELD,
  'level',
  'time',
  'msg',
  'pid',
  'hostname',
]);

export function isReservedField(key: string): boolean {
  return RESERVED_FIELDS.has(key);
}

export function roundMs(durationMs: number): number {
  return Math.round(durationMs * 1000) / 1000;
}

function targetOf(request: RequestFacts): string | undefined {
  const { target } = request;
  return target === undefined ? undefined : capText(target, MAX_TARGET_LENGTH);
}

/**
 * The per-connection bindings: session id, protocol version, client, transport. Written once into a
 * cached child logger, so request lines do not serialize them again.
 */
export function sessionBindings(session: SessionFacts): Record<string, unknown> {
  const bindings: Record<string, unknown> = {};
  if (session.id !== undefined) bindings[ATTRIBUTES.sessionId] = session.id;
  if (session.protocolVersion !== undefined) bindings[ATTRIBUTES.protocolVersion] = session.protocolVersion;
  if (session.clientName !== undefined) bindings[ATTRIBUTES.clientName] = session.clientName;
  if (session.clientVersion !== undefined) bindings[ATTRIBUTES.clientVersion] = session.clientVersion;
  bindings[ATTRIBUTES.transport] = session.transport;
  if (session.networkTransport !== undefined)
    bindings[ATTRIBUTES.networkTransport] = session.networkTransport;
  return bindings;
}

/**
 * The keys that identify a request, the same on its line and on its handler's lines: the user's
 * `customProps` first, then the method, target, id and the ids of the span recording it.
 */
export function requestBindings(
  request: RequestFacts,
  props: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const fields: Record<string, unknown> = props === undefined ? {} : { ...props };
  fields[ATTRIBUTES.methodName] = request.method;
  const targetKey = targetAttributeOf(request.method);
  if (targetKey !== undefined && request.target !== undefined) fields[targetKey] = targetOf(request);
  fields[ATTRIBUTES.jsonrpcRequestId] = String(request.id);
  const { trace } = request;
  if (trace !== undefined) {
    fields[TRACE_ID_FIELD] = trace.traceId;
    fields[SPAN_ID_FIELD] = trace.spanId;
    fields[TRACE_FLAGS_FIELD] =
      trace.traceFlags === 1 ? '01' : trace.traceFlags.toString(16).padStart(2, '0');
  }
  return fields;
}

/** The fields of a request's line (written through its connection's child logger). */
export function requestLine(
  request: RequestFacts,
  props: Record<string, unknown> | undefined,
  slow: boolean,
): Record<string, unknown> {
  const line = requestBindings(request, props);
  const { outcome, errorCode, refusal, durationMs, errorSide } = request;
  if (outcome !== undefined) line[ATTRIBUTES.outcome] = outcome;
  if (request.errorType !== undefined) line[ATTRIBUTES.errorType] = request.errorType;
  if (errorSide !== undefined) line[ATTRIBUTES.errorSide] = errorSide;
  if (errorCode !== undefined) line[ATTRIBUTES.rpcResponseStatusCode] = String(errorCode);
  if (request.toolErrorReason !== undefined) line[ATTRIBUTES.toolErrorReason] = request.toolErrorReason;
  if (refusal !== undefined) {
    line[ATTRIBUTES.refusalPlugin] = refusal.plugin;
    line[ATTRIBUTES.refusalReason] = refusal.reason;
    if (refusal.scope !== undefined) line[ATTRIBUTES.refusalScope] = refusal.scope;
  }
  if (durationMs !== undefined) line[DURATION_FIELD] = roundMs(durationMs);
  if (slow) line[ATTRIBUTES.slow] = true;
  return line;
}

/** The message of a request line, e.g. `tools/call echo ok` or `prompts/get greet error -32602`. */
export function describeRequest(request: RequestFacts, slow: boolean): string {
  const { method } = request;
  const target = targetOf(request);
  let text = target === undefined ? method : `${method} ${target}`;
  if (request.refusal !== undefined)
    text += ` refused by ${request.refusal.plugin} (${request.refusal.reason})`;
  else if (request.outcome === 'error') text += ` error ${request.errorCode ?? ''}`;
  else text += ` ${request.outcome ?? 'started'}`;
  return slow ? `${text} (slow)` : text;
}
