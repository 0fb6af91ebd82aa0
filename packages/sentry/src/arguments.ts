/** Tool and prompt arguments, made fit for an error report: secrets filtered, size capped. */

/** Keys whose values are replaced, at any depth (matched case-insensitively anywhere in the key). */
export const SECRET_KEY_PATTERN =
  /pass(word|wd|phrase)?|secret|token|api[-_]?key|authori[sz]ation|authentication|auth(?!or)|credential|cookie|session|private[-_]?key|signature|jwt|bearer/i;

export const FILTERED = '[Filtered]';

const TRUNCATED = '…[truncated]';

function filterSecrets(key: string, value: unknown): unknown {
  return key !== '' && SECRET_KEY_PATTERN.test(key) ? FILTERED : value;
}

/**
 * The arguments as JSON with every value under a secret-looking key replaced by `[Filtered]`, cut to
 * `maxLength` characters (the cut is marked). Undefined when there are no arguments.
 */
export function scrubbedArguments(argumentsValue: unknown, maxLength: number): string | undefined {
  if (argumentsValue === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(argumentsValue, filterSecrets);
  } catch {
    return '[unserializable]';
  }
  if (json === undefined) return undefined;
  if (json.length <= maxLength) return json;
  return json.slice(0, Math.max(0, maxLength - TRUNCATED.length)) + TRUNCATED;
}

const MIN_SCRUBBED_LENGTH = 4;
const MAX_SCRUBBED_VALUES = 256;
const MAX_DEPTH = 8;

function collect(value: unknown, key: string, secretsOnly: boolean, into: string[], depth: number): void {
  if (into.length >= MAX_SCRUBBED_VALUES) return;
  const secretKey = key !== '' && SECRET_KEY_PATTERN.test(key);
  if (typeof value === 'string') {
    if (value.length >= MIN_SCRUBBED_LENGTH && (!secretsOnly || secretKey)) into.push(value);
    return;
  }
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return;
  const nestedSecretsOnly = secretsOnly && !secretKey; // everything under a secret key is secret
  if (Array.isArray(value)) {
    for (const entry of value) collect(entry, key, nestedSecretsOnly, into, depth + 1);
    return;
  }
  for (const [name, entry] of Object.entries(value)) collect(entry, name, nestedSecretsOnly, into, depth + 1);
}

/**
 * The argument strings an event must not show (4 characters or more, longest first): all of them by
 * default; with `recordArguments` only those it filters (the others are in the event anyway).
 */
export function privateArgumentStrings(argumentsValue: unknown, recordArguments: boolean): string[] {
  const hidden: string[] = [];
  collect(argumentsValue, '', recordArguments, hidden, 0);
  return hidden.sort((left, right) => right.length - left.length);
}

export function scrubText(text: string, hidden: readonly string[]): string {
  let scrubbed = text;
  for (const value of hidden) {
    if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join(FILTERED);
  }
  return scrubbed;
}
