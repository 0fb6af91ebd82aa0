/**
 * How a request's outcome shows on its span: `mcp.request.outcome`, and for a failure `mcp.error.side`,
 * `rpc.response.status_code`, `mcp.tool.error_reason`, `error.type`, status ERROR and the exception.
 * Whose business a failure is comes from core (`request.errorSide`), never from a list of codes here.
 */
import { ATTRIBUTES, OTHER_VALUE, type PrivacyRules, type RequestFacts } from '@mcpscope/core';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { scrubbedError } from './payloads.js';

/**
 * `unsetCallerErrors`: on a SERVER span, a failure on the client's side is recorded without
 * `error.type` and leaves the status UNSET (`callerErrors: 'unset'`). The exception recorded is the
 * request's error scrubbed of the private strings it echoes.
 */
export function recordOutcome(
  span: Span,
  request: RequestFacts,
  unsetCallerErrors: boolean,
  rules: PrivacyRules,
): void {
  const { outcome, errorSide } = request;
  if (outcome !== undefined) span.setAttribute(ATTRIBUTES.outcome, outcome);
  if (errorSide === undefined) return;
  span.setAttribute(ATTRIBUTES.errorSide, errorSide);
  if (request.errorCode !== undefined) {
    span.setAttribute(ATTRIBUTES.rpcResponseStatusCode, String(request.errorCode));
  }
  if (request.toolErrorReason !== undefined) {
    span.setAttribute(ATTRIBUTES.toolErrorReason, request.toolErrorReason);
  }
  if (unsetCallerErrors && errorSide === 'client' && request.direction === 'inbound') return;
  span.setAttribute(ATTR_ERROR_TYPE, request.errorType ?? OTHER_VALUE);
  const error = request.error === undefined ? undefined : scrubbedError(request, rules);
  if (error instanceof Error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.recordException(error);
  } else if (error !== undefined && error !== null) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.recordException(String(error));
  } else {
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}
