/**
 * Errors the transport reported (`onTransportError`). What the client sent and the SDK rejected
 * (malformed JSON, a request before `initialize`) is the client's business: `warn`, and never the body
 * it sent. A failure of the server's side: `error`, with the error.
 */
import { ATTRIBUTES, type TransportErrorFacts } from '@mcpscope/core';
import type { Logger } from 'pino';
import { ERROR_FIELD, ERROR_MESSAGE_FIELD } from './fields.js';
import { scrubMessage, serializeError } from './serialize-error.js';

/** Errors whose messages quote what the client sent (JSON.parse's, schema validators'). */
const QUOTING_ERRORS: ReadonlySet<string> = new Set(['SyntaxError', 'ZodError', '$ZodError']);

function quotesInput(error: Error): boolean {
  return QUOTING_ERRORS.has(error.name) || QUOTING_ERRORS.has(error.constructor?.name ?? '');
}

export function logTransportError(logger: Logger, facts: TransportErrorFacts): void {
  const { error, side } = facts;
  const level = side === 'client' ? 'warn' : 'error';
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = {
    [ATTRIBUTES.errorType]: error.constructor?.name || error.name,
    [ATTRIBUTES.errorSide]: side,
  };
  if (side === 'server') line[ERROR_FIELD] = serializeError(error, []);
  else if (!quotesInput(error)) line[ERROR_MESSAGE_FIELD] = scrubMessage(error.message, []);
  logger[level](
    line,
    side === 'client' ? 'transport rejected a message from the client' : 'transport failed',
  );
}
