/** How a request's outcome becomes `error.type`, `rpc.response.status_code`, status and exception. */
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_MCP_REQUEST_OUTCOME,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  isCallerErrorCode,
} from './attributes.js';

export type RequestOutcome = 'ok' | 'tool_error' | 'error' | 'cancelled' | 'closed';

/**
 * `side` is the side that answered: on `server` spans the caller's own mistakes may be left out of the
 * error status (`callerErrors: 'unset'`); on `client` spans every JSON-RPC error counts as an error.
 */
export function recordOutcome(
  span: Span,
  outcome: RequestOutcome | undefined,
  errorCode: number | undefined,
  error: unknown,
  side: 'server' | 'client',
  callerErrors: 'error' | 'unset',
): void {
  if (outcome !== undefined) span.setAttribute(ATTR_MCP_REQUEST_OUTCOME, outcome);
  let errorType: string | undefined;
  if (outcome === 'tool_error') {
    errorType = 'tool_error';
  } else if (outcome === 'error') {
    if (errorCode === undefined) {
      errorType = '_OTHER';
    } else {
      span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, String(errorCode));
      if (side === 'client' || callerErrors === 'error' || !isCallerErrorCode(errorCode)) {
        errorType = String(errorCode);
      }
    }
  }
  if (errorType === undefined) return;
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus(
    error instanceof Error
      ? { code: SpanStatusCode.ERROR, message: error.message }
      : { code: SpanStatusCode.ERROR },
  );
  if (error !== undefined) span.recordException(error instanceof Error ? error : String(error));
}

/** A request that never got an answer because sending it failed. */
export function recordSendFailure(span: Span, error: unknown): void {
  const errorType =
    error instanceof Error && error.constructor.name !== '' ? error.constructor.name : '_OTHER';
  span.setAttribute(ATTR_MCP_REQUEST_OUTCOME, 'error');
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus(
    error instanceof Error
      ? { code: SpanStatusCode.ERROR, message: error.message }
      : { code: SpanStatusCode.ERROR },
  );
  span.recordException(error instanceof Error ? error : String(error));
}
