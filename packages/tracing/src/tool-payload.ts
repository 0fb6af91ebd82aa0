/**
 * Opt-in recording of tool arguments and results (`gen_ai.tool.call.arguments` / `.result`): redacted,
 * serialized to JSON and size-capped, and only ever computed when the user asked for it.
 */
import type { Span } from '@opentelemetry/api';
import { ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, ATTR_GEN_AI_TOOL_CALL_RESULT } from './attributes.js';
import type { RedactToolPayload, ToolPayload, TracingSharedOptions } from './types.js';

export const REDACTED = '[REDACTED]';
export const DEFAULT_MAX_TOOL_PAYLOAD_LENGTH = 4096;

/** Object keys whose values are masked wherever they appear in a recorded payload. */
const SECRET_KEY =
  /^(?:pass(?:word|wd|phrase)?|secret|client[-_]?secret|(?:access|refresh|id|auth|bearer|session)?[-_]?token|api[-_]?key|authorization|proxy[-_]?authorization|cookie|set[-_]?cookie|private[-_]?key|credentials?)$/i;

/** Whether an object key names a secret (`password`, `apiKey`, `access_token`, ...). */
export function isSecretKey(key: string): boolean {
  return key !== '' && SECRET_KEY.test(key);
}

function maskSecrets(key: string, value: unknown): unknown {
  return isSecretKey(key) ? REDACTED : value;
}

function cap(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = maxLength;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // do not split a surrogate pair
  return `${text.slice(0, end)}…`;
}

/** The text to record for a payload, or undefined to record nothing. Never throws. */
export function serializeToolPayload(
  payload: ToolPayload,
  redact: RedactToolPayload | undefined,
  maxLength: number,
): string | undefined {
  try {
    const value = redact === undefined ? payload.value : redact(payload);
    if (value === undefined) return undefined;
    const text = typeof value === 'string' ? value : JSON.stringify(value, maskSecrets);
    return text === undefined ? undefined : cap(text, maxLength);
  } catch {
    return undefined;
  }
}

export interface ToolPayloadRecorder {
  readonly recordArguments: boolean;
  readonly recordResults: boolean;
  record(
    span: Span,
    kind: ToolPayload['kind'],
    toolName: string | undefined,
    side: ToolPayload['side'],
    value: unknown,
  ): void;
}

/** Undefined when neither arguments nor results are recorded: the hot path then skips every check. */
export function toolPayloadRecorder(options: TracingSharedOptions): ToolPayloadRecorder | undefined {
  const {
    recordToolArguments = false,
    recordToolResults = false,
    maxToolPayloadLength = DEFAULT_MAX_TOOL_PAYLOAD_LENGTH,
    redactToolPayload,
  } = options;
  if (!recordToolArguments && !recordToolResults) return undefined;
  const maxLength = Math.max(1, Math.floor(maxToolPayloadLength));
  return {
    recordArguments: recordToolArguments,
    recordResults: recordToolResults,
    record(span, kind, toolName, side, value) {
      if (value === undefined) return;
      const text = serializeToolPayload({ kind, toolName, side, value }, redactToolPayload, maxLength);
      if (text === undefined) return;
      span.setAttribute(
        kind === 'arguments' ? ATTR_GEN_AI_TOOL_CALL_ARGUMENTS : ATTR_GEN_AI_TOOL_CALL_RESULT,
        text,
      );
    },
  };
}
