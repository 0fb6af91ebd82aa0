/**
 * The privacy rule on spans, all of it core's: tool arguments and results are recorded only when opted
 * in (redacted and cut by `serializePayload`), and errors lose the private strings they echo
 * (`privateStrings`, `scrubError`).
 */
import {
  ATTRIBUTES,
  argumentsOf,
  type PrivacyRules,
  privateStrings,
  type RequestFacts,
  scrubError,
  serializePayload,
} from '@mcpscope/core';
import type { Span } from '@opentelemetry/api';

/** `gen_ai.tool.call.arguments` on a tools/call or prompts/get span, when arguments are recorded. */
export function recordArguments(span: Span, request: RequestFacts, rules: PrivacyRules): void {
  if (!rules.recordArguments) return;
  const recorded = serializePayload(argumentsOf(request), rules);
  if (recorded !== undefined) span.setAttribute(ATTRIBUTES.toolCallArguments, recorded);
}

/** `gen_ai.tool.call.result` on a tools/call span (an `isError` result too), when results are recorded. */
export function recordResult(span: Span, request: RequestFacts, rules: PrivacyRules): void {
  if (!rules.recordResults || request.method !== 'tools/call' || request.result === undefined) return;
  const recorded = serializePayload(request.result, rules, privateStrings(request, rules));
  if (recorded !== undefined) span.setAttribute(ATTRIBUTES.toolCallResult, recorded);
}

/** The request's error as a span may show it: without the argument strings it may not show. */
export function scrubbedError(request: RequestFacts, rules: PrivacyRules): unknown {
  return scrubError(request.error, privateStrings(request, rules));
}
