/**
 * The MCP facts an event carries, named with core's `ATTRIBUTES`: tags, the `mcp_request` context and
 * the fingerprint. For events Sentry's MCP instrumentation captures while a handler is still running,
 * the outcome is inferred the way both SDKs answer.
 */
import {
  ATTRIBUTES,
  argumentsOf,
  isClientErrorCode,
  type PrivacyRules,
  type RequestFacts,
  type SessionFacts,
  serializePayload,
  targetAttributeOf,
} from '@mcpscope/core';
import type { Event, EventHint } from '@sentry/node';

/** The mechanism type of Sentry's own MCP instrumentation (`@sentry/core` mcp-server/errorCapture). */
export const SENTRY_MCP_MECHANISM = 'auto.ai.mcp_server';

const MAX_TAG_LENGTH = 200;
const SENTRY_TOOL_ERROR_TYPES = new Set(['tool_execution', 'validation', 'timeout']);

/** `mechanism.data.error_type` of an event Sentry's MCP instrumentation captured, else undefined. */
export function sentryMcpErrorType(hint: EventHint): unknown {
  const mechanism = hint.mechanism;
  if (mechanism?.type !== SENTRY_MCP_MECHANISM) return undefined;
  return (mechanism.data as Record<string, unknown> | undefined)?.error_type;
}

/** The JSON-RPC code of Sentry's synthetic `JsonRpcError_<code>` (its report of an error response). */
export function sentryProtocolErrorCode(hint: EventHint): number | undefined {
  if (sentryMcpErrorType(hint) !== 'protocol') return undefined;
  const name = (hint.originalException as { name?: unknown } | undefined)?.name;
  const match = typeof name === 'string' ? /^JsonRpcError_(-?\d+)$/.exec(name) : null;
  return match === null ? undefined : Number(match[1]);
}

function setTag(tags: Record<string, string>, key: string, value: string | number | undefined): void {
  if (value === undefined || value === '') return;
  const text = String(value);
  tags[key] = text.length > MAX_TAG_LENGTH ? text.slice(0, MAX_TAG_LENGTH) : text;
}

/**
 * The request's `error.type`. Sentry's MCP instrumentation captures a thrown handler error while the
 * request is still running: a tool that throws yields an `isError` result; a prompt or resource that
 * throws yields the error's own code, else -32603.
 */
function errorTypeOf(request: RequestFacts, hint: EventHint): string | undefined {
  if (request.errorType !== undefined) return request.errorType;
  const sentryErrorType = sentryMcpErrorType(hint);
  if (typeof sentryErrorType !== 'string') return undefined;
  if (SENTRY_TOOL_ERROR_TYPES.has(sentryErrorType)) return 'tool_error';
  if (sentryErrorType !== 'prompt_execution' && sentryErrorType !== 'resource_execution') return undefined;
  const code = (hint.originalException as { code?: unknown } | undefined)?.code;
  return String(Number.isSafeInteger(code) ? code : -32603);
}

function toolErrorReasonOf(request: RequestFacts, hint: EventHint): string | undefined {
  if (request.toolErrorReason !== undefined) return request.toolErrorReason;
  const sentryErrorType = sentryMcpErrorType(hint);
  return typeof sentryErrorType === 'string' && SENTRY_TOOL_ERROR_TYPES.has(sentryErrorType)
    ? 'handler_threw'
    : undefined;
}

function errorSideOf(request: RequestFacts, errorType: string | undefined): string | undefined {
  if (request.errorSide !== undefined) return request.errorSide;
  if (errorType === undefined) return undefined;
  if (errorType === 'tool_error') return 'server';
  return isClientErrorCode(Number(errorType)) ? 'client' : 'server';
}

export function mcpTags(
  request: RequestFacts | undefined,
  session: SessionFacts,
  hint: EventHint,
): Record<string, string> {
  const tags: Record<string, string> = {};
  if (request !== undefined) {
    const { method, target } = request;
    setTag(tags, ATTRIBUTES.methodName, method);
    const targetAttribute = targetAttributeOf(method);
    // Resource URIs stay out of tags (unbounded); they are in the `mcp_request` context.
    if (targetAttribute !== undefined && targetAttribute !== ATTRIBUTES.resourceUri) {
      setTag(tags, targetAttribute, target);
    }
    const errorType = errorTypeOf(request, hint);
    setTag(tags, ATTRIBUTES.errorType, errorType);
    setTag(tags, ATTRIBUTES.errorSide, errorSideOf(request, errorType));
    setTag(tags, ATTRIBUTES.toolErrorReason, toolErrorReasonOf(request, hint));
    const code =
      request.errorCode ?? (errorType !== undefined && errorType !== 'tool_error' ? errorType : undefined);
    setTag(tags, ATTRIBUTES.rpcResponseStatusCode, code);
    setTag(tags, ATTRIBUTES.outcome, request.outcome);
  }
  setTag(tags, ATTRIBUTES.transport, session.transport);
  setTag(tags, ATTRIBUTES.networkTransport, session.networkTransport);
  setTag(tags, ATTRIBUTES.sessionId, session.id);
  setTag(tags, ATTRIBUTES.clientName, session.clientName);
  setTag(tags, ATTRIBUTES.clientVersion, session.clientVersion);
  setTag(tags, ATTRIBUTES.protocolVersion, session.protocolVersion);
  setTag(tags, ATTRIBUTES.serverName, session.endpoint.name);
  setTag(tags, ATTRIBUTES.serverVersion, session.endpoint.version);
  return tags;
}

/** The `mcp_request` context: the request's facts, and its arguments and result only when opted in. */
export function requestContext(
  request: RequestFacts,
  rules: PrivacyRules,
  hidden: readonly string[],
): Record<string, unknown> {
  const { method, target } = request;
  const context: Record<string, unknown> = {
    [ATTRIBUTES.jsonrpcRequestId]: request.id,
    [ATTRIBUTES.methodName]: method,
  };
  const targetAttribute = targetAttributeOf(method);
  if (targetAttribute !== undefined && target !== undefined) context[targetAttribute] = target;
  if (request.outcome !== undefined) context[ATTRIBUTES.outcome] = request.outcome;
  if (request.errorType !== undefined) context[ATTRIBUTES.errorType] = request.errorType;
  if (request.errorSide !== undefined) context[ATTRIBUTES.errorSide] = request.errorSide;
  if (request.errorCode !== undefined) context[ATTRIBUTES.rpcResponseStatusCode] = String(request.errorCode);
  if (request.toolErrorReason !== undefined) context[ATTRIBUTES.toolErrorReason] = request.toolErrorReason;
  if (request.durationMs !== undefined) context.duration_ms = Math.round(request.durationMs * 1000) / 1000;
  if (rules.recordArguments) {
    const recorded = serializePayload(argumentsOf(request), rules);
    if (recorded !== undefined) context[ATTRIBUTES.toolCallArguments] = recorded;
  }
  if (rules.recordResults && method === 'tools/call' && request.ended) {
    const recorded = serializePayload(request.result, rules, hidden);
    if (recorded !== undefined) context[ATTRIBUTES.toolCallResult] = recorded;
  }
  return context;
}

function exceptionType(event: Event): string | undefined {
  const values = event.exception?.values;
  // The last value is the error that was captured; earlier ones are its causes.
  return values === undefined || values.length === 0 ? undefined : values[values.length - 1]?.type;
}

export function mcpFingerprint(
  request: RequestFacts | undefined,
  session: SessionFacts,
  event: Event,
  hint: EventHint,
): string[] {
  const kind = exceptionType(event) ?? 'message';
  if (request === undefined) return ['mcp', 'transport', session.transport, kind];
  return ['mcp', request.method, request.target ?? '', errorTypeOf(request, hint) ?? 'error', kind];
}
