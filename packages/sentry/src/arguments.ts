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
