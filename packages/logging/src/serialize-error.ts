import { capString, scrubText } from './redact.js';

const MAX_CAUSE_DEPTH = 3;
const MAX_STACK_LENGTH = 16_384;

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  cause?: SerializedError;
}

/**
 * The thrown error in pino's `err` shape (`type`, `message`, `stack`, `code`, `cause`), with the
 * strings in `hidden` scrubbed out of message and stack. The object has no prototype, so pino's own
 * err serializer keeps its `type` (it reads `constructor.name` otherwise) and folds causes in as usual.
 */
export function serializeError(
  error: unknown,
  hidden: readonly string[],
  maxLength: number,
  depth = 0,
): SerializedError {
  const serialized = Object.create(null) as SerializedError;
  if (!(error instanceof Error)) {
    serialized.type = typeof error;
    serialized.message = capString(scrubText(String(error), hidden), maxLength);
    return serialized;
  }
  serialized.type = error.constructor?.name ?? error.name;
  serialized.message = capString(scrubText(error.message, hidden), maxLength);
  if (typeof error.stack === 'string') {
    serialized.stack = capString(scrubText(error.stack, hidden), MAX_STACK_LENGTH);
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') serialized.code = code;
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    serialized.cause = serializeError(error.cause, hidden, maxLength, depth + 1);
  }
  return serialized;
}
