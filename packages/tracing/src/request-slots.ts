/** What the plugin keeps on each request's facts: its span, and the context the span is active in. */
import type { RequestFacts } from '@mcpscope/core';
import type { Context, Span } from '@opentelemetry/api';

export const SPAN = Symbol('mcpscope.tracing.span');
export const CONTEXT = Symbol('mcpscope.tracing.context');
/** An outbound request cancelled by this endpoint: its span ends once the notification's reason is on it. */
export const AWAITING_CANCEL_REASON = Symbol('mcpscope.tracing.awaitingCancelReason');

/** The span mcpscope tracing recorded for a request's facts (inbound or outbound), if any. */
export function requestSpan(request: RequestFacts): Span | undefined {
  return request[SPAN] as Span | undefined;
}

/** The context an inbound request's span is active in (its handler runs there), if it has a span. */
export function spanContextOf(request: RequestFacts): Context | undefined {
  return request[CONTEXT] as Context | undefined;
}
