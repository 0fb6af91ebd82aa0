/**
 * The fields that may show private data, under core's one privacy rule: tool arguments and results only
 * when opted in (`serializePayload`: redacted, JSON, cut to `maxPayloadLength`, the same string spans
 * and Sentry record), and error messages scrubbed of the argument strings they may echo.
 */
import {
  ATTRIBUTES,
  argumentsOf,
  type PrivacyRules,
  privateStrings,
  type RequestFacts,
  serializePayload,
} from '@mcpscope/core';
import { ERROR_FIELD, ERROR_MESSAGE_FIELD } from './fields.js';
import { scrubMessage, serializeError } from './serialize-error.js';

export function addPrivateFields(
  line: Record<string, unknown>,
  request: RequestFacts,
  rules: PrivacyRules,
): void {
  if (rules.recordArguments) {
    const recorded = serializePayload(argumentsOf(request), rules);
    if (recorded !== undefined) line[ATTRIBUTES.toolCallArguments] = recorded;
  }
  const showResult = request.method === 'tools/call' && rules.recordResults && request.result !== undefined;
  const { errorMessage } = request;
  // The thrown error is shown for the server's failures only: a client's mistake needs no stack.
  const showError = request.errorSide === 'server' && request.error !== undefined;
  if (!showResult && errorMessage === undefined && !showError) return;
  const hidden = privateStrings(request, rules);
  if (showResult) {
    const recorded = serializePayload(request.result, rules, hidden);
    if (recorded !== undefined) line[ATTRIBUTES.toolCallResult] = recorded;
  }
  if (errorMessage !== undefined) line[ERROR_MESSAGE_FIELD] = scrubMessage(errorMessage, hidden);
  if (showError) line[ERROR_FIELD] = serializeError(request.error, hidden);
}
