/** Which ended requests become Sentry events, and how: decided by whose business the failure is. */
import { type EndpointFacts, isClientErrorCode, type RequestFacts } from '@mcpscope/core';
import type { ToolErrorCapture } from './types.js';

export type CaptureDecision =
  /** Nothing to report. */
  | 'none'
  /** The original error a handler threw (or a failed output validation): the server failed. */
  | 'thrown'
  /** A JSON-RPC error response of the server's side without an original error. */
  | 'server_error'
  /** The client's mistake (or a flow it must follow), reported only with `captureClientErrors`. */
  | 'client_error'
  /** A tool result with `isError: true`, reported as `toolErrors` says. */
  | 'tool_error';

export function decideCapture(
  request: RequestFacts,
  toolErrors: ToolErrorCapture,
  captureClientErrors: boolean,
): CaptureDecision {
  const { outcome } = request;
  if ((outcome !== 'error' && outcome !== 'tool_error') || request.refusal !== undefined) return 'none';
  switch (request.errorSide) {
    case 'client':
      return captureClientErrors ? 'client_error' : 'none';
    case 'tool':
      return toolErrors === 'off' ? 'none' : 'tool_error';
    case 'server':
      if (request.error !== undefined) return 'thrown';
      return outcome === 'error' ? 'server_error' : 'none';
    default:
      return 'none';
  }
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

/** Whether an error carries a JSON-RPC code of the client's side (`UrlElicitationRequiredError`: -32042). */
export function hasClientErrorCode(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' && isClientErrorCode(code);
}

/** Sentry's `mechanism.data.error_type` vocabulary for where an MCP error came from. */
export function executionKindOf(method: string): string {
  if (method === 'tools/call') return 'tool_execution';
  if (method === 'prompts/get') return 'prompt_execution';
  if (method === 'resources/read') return 'resource_execution';
  return 'handler_execution';
}
