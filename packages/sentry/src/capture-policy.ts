/** Which ended requests become Sentry events, and how. */
import type { RequestFacts, EndpointFacts } from '@mcpscope/core';
import type { ToolErrorCapture } from './types.js';

/** JSON-RPC codes that mean the client made a mistake (the same list Sentry's MCP instrumentation skips). */
export const CLIENT_ERROR_CODES: ReadonlySet<number> = new Set([-32700, -32600, -32601, -32602, -32002]);

export type CaptureDecision =
  /** Nothing to report. */
  | 'none'
  /** The original error thrown by a handler (or a failed output validation). */
  | 'thrown'
  /** A JSON-RPC error response from the server side without an original error. */
  | 'server_error'
  /** A client mistake, reported only when `captureClientErrors` is on. */
  | 'client_error'
  /** A tool result with `isError: true`, reported as configured by `toolErrors`. */
  | 'tool_error';

export function decideCapture(
  request: RequestFacts,
  toolErrors: ToolErrorCapture,
  captureClientErrors: boolean,
): CaptureDecision {
  const { outcome } = request;
  if (request.refusal !== undefined) return 'none';
  if (outcome === 'tool_error') {
    switch (request.toolErrorReason) {
      case 'handler_threw':
      case 'invalid_output':
        return request.error === undefined ? 'none' : 'thrown';
      case 'invalid_arguments':
      case 'unknown_tool':
        return captureClientErrors ? 'client_error' : 'none';
      default:
        return toolErrors === 'off' ? 'none' : 'tool_error';
    }
  }
  if (outcome !== 'error') return 'none';
  const code = request.errorCode;
  if ((code !== undefined && CLIENT_ERROR_CODES.has(code)) || request.toolErrorReason === 'unknown_tool') {
    return captureClientErrors ? 'client_error' : 'none';
  }
  return request.error === undefined ? 'server_error' : 'thrown';
}

/** Set by Sentry on every error object it captured (`checkOrSetAlreadyCaught` in @sentry/core). */
export function isCapturedBySentry(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { __sentry_captured__?: unknown }).__sentry_captured__ === true
  );
}

/**
 * Whether Sentry's MCP instrumentation (`wrapMcpServerWithSentry`, or the automatic McpServer
 * integration) wrapped this server: it then reports JSON-RPC server errors from the responses itself.
 */
export function isInstrumentedBySentry(server: EndpointFacts): boolean {
  const connect = (server.instance as { connect?: unknown }).connect;
  return typeof connect === 'function' && '__sentry_original__' in connect;
}

/** Sentry's `mechanism.data.error_type` vocabulary for where an MCP error came from. */
export function executionKindOf(method: string): string {
  if (method === 'tools/call') return 'tool_execution';
  if (method === 'prompts/get') return 'prompt_execution';
  if (method === 'resources/read') return 'resource_execution';
  return 'handler_execution';
}
