/**
 * Errors as a line shows them, after core's privacy rule: the strings the request may not show are
 * scrubbed out of messages and stacks (`scrubText`), and long ones are cut.
 */
import { capText, scrubText } from '@mcpscope/core';

/** Longest error message on a line (the JSON-RPC `error.message`, `err.message`). */
export const MAX_MESSAGE_LENGTH = 1024;
const MAX_STACK_LENGTH = 16_384;
const MAX_CAUSE_DEPTH = 3;

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  cause?: SerializedError;
}

/** A message as a line may show it: scrubbed of the hidden strings, cut to `MAX_MESSAGE_LENGTH`. */
export function scrubMessage(message: string, hidden: readonly string[]): string {
  return capText(scrubText(message, hidden), MAX_MESSAGE_LENGTH);
}

/**
 * The thrown error in pino's `err` shape (`type`, `message`, `stack`, `code`, `cause`), scrubbed. Only
 * these keys: other properties of an error (an HTTP client's `config`, `data`) often hold secrets. The
 * object has no prototype, so pino's own err serializer keeps its `type` and folds causes in as usual.
 */
export function serializeError(error: unknown, hidden: readonly string[], depth = 0): SerializedError {
  const serialized = Object.create(null) as SerializedError;
  if (!(error instanceof Error)) {
    serialized.type = typeof error;
    serialized.message = scrubMessage(String(error), hidden);
    return serialized;
  }
  serialized.type = error.constructor?.name ?? error.name;
  serialized.message = scrubMessage(error.message, hidden);
  if (typeof error.stack === 'string') {
    serialized.stack = capText(scrubText(error.stack, hidden), MAX_STACK_LENGTH);
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') serialized.code = code;
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    serialized.cause = serializeError(error.cause, hidden, depth + 1);
  }
  return serialized;
}
