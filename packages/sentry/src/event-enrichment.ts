/**
 * One event processor per client turns the MCP facts linked to an event's scope into tags, the
 * `mcp_request` context, a fingerprint and breadcrumbs. It runs for every event captured inside a
 * request's isolation scope: this plugin's own, Sentry's MCP instrumentation's, and the handler's own
 * `Sentry.capture*` calls. Nothing is computed per request; only events pay.
 */
import type { RequestFacts, SessionFacts } from '@mcpscope/core';
import type { addEventProcessor, Event, EventHint } from '@sentry/node';
import { privateArgumentStrings, scrubbedArguments, scrubText } from './arguments.js';
import { sessionBreadcrumbs } from './breadcrumb-ring.js';

/** What a scope carries in its SDK processing metadata (never sent to Sentry). */
export interface ScopeLink {
  readonly request?: RequestFacts;
  readonly session?: SessionFacts;
}

/** Marks this plugin's own captures in their event hint. */
export const OWN_CAPTURE = Object.freeze({ capturedBy: '@mcpscope/sentry' });

/** The mechanism type of Sentry's own MCP instrumentation (`@sentry/core` mcp-server/errorCapture). */
export const SENTRY_MCP_MECHANISM = 'auto.ai.mcp_server';

const MAX_TAG_LENGTH = 200;

type EventProcessor = Parameters<typeof addEventProcessor>[0];

export interface EnrichmentOptions {
  readonly metadataKey: string;
  readonly recordArguments: boolean;
  readonly maxArgumentsLength: number;
  readonly maxBreadcrumbs: number;
  readonly fingerprint: boolean;
}

function sentryMcpErrorType(hint: EventHint): unknown {
  const mechanism = hint.mechanism;
  if (mechanism?.type !== SENTRY_MCP_MECHANISM) return undefined;
  return (mechanism.data as Record<string, unknown> | undefined)?.error_type;
}

/**
 * Sentry's MCP instrumentation also reports every JSON-RPC error response as a synthetic
 * `JsonRpcError_<code>`. When the handler's original error exists, that one is reported (by Sentry or by
 * this plugin), so the synthetic copy would count the same failure twice.
 */
function isSentryDuplicate(request: RequestFacts, hint: EventHint): boolean {
  return request.error !== undefined && sentryMcpErrorType(hint) === 'protocol';
}

function setTag(tags: Record<string, string>, key: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  tags[key] = value.length > MAX_TAG_LENGTH ? value.slice(0, MAX_TAG_LENGTH) : value;
}

const SENTRY_TOOL_ERROR_TYPES = new Set(['tool_execution', 'validation', 'timeout']);

/**
 * The request's `error.type`. Sentry's MCP instrumentation captures a thrown handler error while the
 * request is still running, so it is inferred the way both SDKs answer: a tool that throws yields an
 * `isError` result; a prompt or resource that throws yields the error's own code, else -32603.
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

function mcpTags(
  request: RequestFacts | undefined,
  session: SessionFacts,
  hint: EventHint,
): Record<string, string> {
  const tags: Record<string, string> = {};
  if (request !== undefined) {
    const { method, target } = request;
    setTag(tags, 'mcp.method.name', method);
    if (method === 'tools/call') setTag(tags, 'gen_ai.tool.name', target);
    else if (method === 'prompts/get') setTag(tags, 'gen_ai.prompt.name', target);
    const errorType = errorTypeOf(request, hint);
    setTag(tags, 'error.type', errorType);
    setTag(tags, 'mcp.tool.error_reason', toolErrorReasonOf(request, hint));
    const code =
      request.errorCode ?? (errorType !== undefined && errorType !== 'tool_error' ? errorType : undefined);
    if (code !== undefined) setTag(tags, 'rpc.response.status_code', String(code));
  }
  setTag(tags, 'mcp.transport', session.transport);
  setTag(tags, 'network.transport', session.networkTransport);
  setTag(tags, 'mcp.session.id', session.id);
  setTag(tags, 'mcp.client.name', session.clientName);
  setTag(tags, 'mcp.client.version', session.clientVersion);
  setTag(tags, 'mcp.protocol.version', session.protocolVersion);
  setTag(tags, 'mcp.server.name', session.endpoint.name);
  return tags;
}

function requestContext(request: RequestFacts, options: EnrichmentOptions): Record<string, unknown> {
  const { method, target } = request;
  const context: Record<string, unknown> = {
    'jsonrpc.request.id': request.id,
    'mcp.method.name': method,
  };
  if (target !== undefined) {
    if (method === 'tools/call') context['gen_ai.tool.name'] = target;
    else if (method === 'prompts/get') context['gen_ai.prompt.name'] = target;
    else context['mcp.resource.uri'] = target;
  }
  if (request.outcome !== undefined) context.outcome = request.outcome;
  if (request.errorCode !== undefined) context['rpc.response.status_code'] = String(request.errorCode);
  if (request.toolErrorReason !== undefined) context['mcp.tool.error_reason'] = request.toolErrorReason;
  if (request.durationMs !== undefined) context.duration_ms = Math.round(request.durationMs * 1000) / 1000;
  if (options.recordArguments && (method === 'tools/call' || method === 'prompts/get')) {
    const recorded = scrubbedArguments(request.params?.arguments, options.maxArgumentsLength);
    if (recorded !== undefined) context.arguments = recorded;
  }
  return context;
}

function exceptionType(event: Event): string | undefined {
  const values = event.exception?.values;
  // The last value is the error that was captured; earlier ones are its causes.
  return values === undefined || values.length === 0 ? undefined : values[values.length - 1]?.type;
}

function mcpFingerprint(
  request: RequestFacts | undefined,
  session: SessionFacts,
  event: Event,
  hint: EventHint,
): string[] {
  const kind = exceptionType(event) ?? 'message';
  if (request === undefined) return ['mcp', 'transport', session.transport, kind];
  return ['mcp', request.method, request.target ?? '', errorTypeOf(request, hint) ?? 'error', kind];
}

/**
 * Handler errors (and messages a handler captures) often echo the request's arguments: `login failed
 * for password hunter2`. Arguments are private by default, so their strings leave the event's exception
 * values, message and breadcrumb messages as `[Filtered]`.
 */
function scrubEvent(event: Event, request: RequestFacts, recordArguments: boolean): void {
  const { method } = request;
  if (method !== 'tools/call' && method !== 'prompts/get') return;
  const hidden = privateArgumentStrings(request.params?.arguments, recordArguments);
  if (hidden.length === 0) return;
  for (const value of event.exception?.values ?? []) {
    if (typeof value.value === 'string') value.value = scrubText(value.value, hidden);
  }
  if (typeof event.message === 'string') event.message = scrubText(event.message, hidden);
  const { logentry } = event;
  if (logentry !== undefined) {
    if (typeof logentry.message === 'string') logentry.message = scrubText(logentry.message, hidden);
    if (Array.isArray(logentry.params)) {
      logentry.params = logentry.params.map((param) =>
        typeof param === 'string' ? scrubText(param, hidden) : param,
      );
    }
  }
  for (const breadcrumb of event.breadcrumbs ?? []) {
    if (typeof breadcrumb.message === 'string') breadcrumb.message = scrubText(breadcrumb.message, hidden);
  }
}

export function createEventProcessor(options: EnrichmentOptions): EventProcessor {
  const { metadataKey, maxBreadcrumbs } = options;
  return (event, hint) => {
    const link = event.sdkProcessingMetadata?.[metadataKey] as ScopeLink | undefined;
    if (link === undefined) return event;
    const request = link.request;
    const session = request?.session ?? link.session;
    if (session === undefined) return event;
    if (request !== undefined && isSentryDuplicate(request, hint)) return null;

    event.tags = { ...mcpTags(request, session, hint), ...event.tags };
    if (request !== undefined) {
      event.contexts = { ...event.contexts, mcp_request: requestContext(request, options) };
      scrubEvent(event, request, options.recordArguments);
    }
    const mcpCapture = hint.data === OWN_CAPTURE || hint.mechanism?.type === SENTRY_MCP_MECHANISM;
    if (options.fingerprint && mcpCapture && event.fingerprint === undefined) {
      event.fingerprint = mcpFingerprint(request, session, event, hint);
    }
    if (maxBreadcrumbs > 0) {
      const beforeMs = (event.timestamp ?? Date.now() / 1000) * 1000;
      const recent = sessionBreadcrumbs(session, beforeMs, request);
      if (recent.length > 0) {
        const merged = event.breadcrumbs === undefined ? recent : [...event.breadcrumbs, ...recent];
        merged.sort((left, right) => (left.timestamp ?? 0) - (right.timestamp ?? 0));
        event.breadcrumbs = merged;
      }
    }
    return event;
  };
}
