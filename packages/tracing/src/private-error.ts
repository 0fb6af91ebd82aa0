/**
 * Handler errors often echo what the handler was given (`login failed for password hunter2`), and
 * arguments are private by default. Before a handler's error reaches a span (status description,
 * exception event with message and stack), every argument string of at least 4 characters it contains
 * becomes `[REDACTED]`, as @mcpscope/logging does with its lines. With `recordToolArguments` on, the
 * arguments are on the span anyway: only the values masked there (secret-looking keys) are scrubbed.
 */
import type { RequestFacts } from '@mcpscope/core';
import { isSecretKey, REDACTED } from './tool-payload.js';

const MIN_SCRUBBED_LENGTH = 4;
const MAX_SCRUBBED_VALUES = 256;
const MAX_DEPTH = 8;

function collect(value: unknown, key: string, secretsOnly: boolean, into: string[], depth: number): void {
  if (into.length >= MAX_SCRUBBED_VALUES) return;
  if (typeof value === 'string') {
    if (value.length >= MIN_SCRUBBED_LENGTH && (!secretsOnly || isSecretKey(key))) into.push(value);
    return;
  }
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return;
  if (secretsOnly && isSecretKey(key)) secretsOnly = false; // everything under a secret key is secret
  if (Array.isArray(value)) {
    for (const entry of value) collect(entry, key, secretsOnly, into, depth + 1);
    return;
  }
  for (const [name, entry] of Object.entries(value)) collect(entry, name, secretsOnly, into, depth + 1);
}

function scrub(text: string, hidden: readonly string[]): string {
  let scrubbed = text;
  for (const value of hidden) {
    if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join(REDACTED);
  }
  return scrubbed;
}

/**
 * The error to record on the request's span: the original one, or a copy (same name, class and code)
 * whose message and stack no longer show the request's private arguments.
 */
export function privateError(request: RequestFacts, argumentsRecorded: boolean): unknown {
  const { error, method } = request;
  if (error === undefined || (method !== 'tools/call' && method !== 'prompts/get')) return error;
  const hidden: string[] = [];
  collect(request.params?.arguments, '', argumentsRecorded, hidden, 0);
  if (hidden.length === 0) return error;
  hidden.sort((left, right) => right.length - left.length);
  if (!(error instanceof Error)) return scrub(String(error), hidden);
  const message = scrub(error.message, hidden);
  const stack = typeof error.stack === 'string' ? scrub(error.stack, hidden) : undefined;
  if (message === error.message && stack === error.stack) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error & { code?: unknown };
  copy.name = error.name;
  copy.message = message;
  if (stack !== undefined) copy.stack = stack;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) copy.code = code;
  return copy;
}
