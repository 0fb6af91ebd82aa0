/**
 * Copies arguments and results for a log line: secret-looking keys and user-listed paths redacted,
 * strings, arrays, objects and depth capped. Also collects the strings it hid, so error messages can
 * be scrubbed of them.
 */

export const REDACTED = '[Redacted]';

const MAX_DEPTH = 8;
const MAX_ITEMS = 100;
const MAX_KEYS = 100;
const MAX_HIDDEN_VALUES = 100;
/** Shorter strings are not scrubbed out of messages: too likely to match unrelated text. */
const MIN_SCRUBBED_LENGTH = 4;

/** Substrings of a normalized key (lower case, letters and digits only) that mark it secret. */
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'apikey',
  'cookie',
  'credential',
  'privatekey',
  'accesskey',
  'sessionid',
  'bearer',
];
/** Normalized keys that are secret only when they are the whole key. */
const SECRET_KEYS = new Set(['auth', 'pwd', 'pin', 'otp', 'cvv', 'cvc', 'ssn', 'jwt']);

const secretKeyCache = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  const cached = secretKeyCache.get(key);
  if (cached !== undefined) return cached;
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const secret = SECRET_KEYS.has(normalized) || SECRET_KEY_PARTS.some((part) => normalized.includes(part));
  if (secretKeyCache.size < 10_000) secretKeyCache.set(key, secret);
  return secret;
}

export interface RedactionRules {
  /** User keys redacted at any depth. */
  readonly keys: ReadonlySet<string>;
  /** User paths from the root, split into segments; `*` matches any one segment. */
  readonly paths: readonly (readonly string[])[];
  readonly maxValueLength: number;
}

export function compileRedaction(redact: readonly string[], maxValueLength: number): RedactionRules {
  const keys = new Set<string>();
  const paths: string[][] = [];
  for (const entry of redact) {
    const segments = entry
      .replace(/\[(\*|\d+)\]/g, '.$1')
      .split('.')
      .filter((segment) => segment.length > 0);
    if (segments.length === 1) keys.add(segments[0]!);
    else if (segments.length > 1) paths.push(segments);
  }
  return { keys, paths, maxValueLength };
}

export function capString(value: string, maxLength: number): string {
  return value.length <= maxLength
    ? value
    : `${value.slice(0, maxLength)}…[+${value.length - maxLength} chars]`;
}

function matchesPath(paths: RedactionRules['paths'], trail: readonly string[]): boolean {
  for (const path of paths) {
    if (path.length !== trail.length) continue;
    let index = 0;
    while (index < path.length && (path[index] === '*' || path[index] === trail[index])) index++;
    if (index === path.length) return true;
  }
  return false;
}

/** Collects the string leaves of a value (bounded), for scrubbing them out of messages. */
export function collectStrings(value: unknown, into: string[], depth = 0): void {
  if (into.length >= MAX_HIDDEN_VALUES) return;
  if (typeof value === 'string') {
    if (value.length >= MIN_SCRUBBED_LENGTH) into.push(value);
    return;
  }
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return;
  const entries = Array.isArray(value) ? value : Object.values(value);
  for (const entry of entries) collectStrings(entry, into, depth + 1);
}

class Redactor {
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly rules: RedactionRules,
    private readonly hidden: string[] | undefined,
    private readonly scrubbed: readonly string[],
  ) {}

  copy(value: unknown, trail: string[]): unknown {
    switch (typeof value) {
      case 'string':
        return capString(scrubText(value, this.scrubbed), this.rules.maxValueLength);
      case 'number':
      case 'boolean':
        return value;
      case 'bigint':
        return value.toString();
      case 'object':
        return value === null ? null : this.copyObject(value, trail);
      default:
        return undefined;
    }
  }

  private hide(value: unknown): string {
    if (this.hidden !== undefined) collectStrings(value, this.hidden);
    return REDACTED;
  }

  private redacts(key: string, trail: string[]): boolean {
    return (
      isSecretKey(key) ||
      this.rules.keys.has(key) ||
      (this.rules.paths.length > 0 && matchesPath(this.rules.paths, trail))
    );
  }

  private copyObject(value: object, trail: string[]): unknown {
    if (this.ancestors.has(value)) return '[Circular]';
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (ArrayBuffer.isView(value)) return `[Binary ${value.byteLength} bytes]`;
    if (trail.length >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
    this.ancestors.add(value);
    try {
      return Array.isArray(value) ? this.copyArray(value, trail) : this.copyEntries(value, trail);
    } finally {
      this.ancestors.delete(value);
    }
  }

  private copyArray(value: readonly unknown[], trail: string[]): unknown[] {
    const length = Math.min(value.length, MAX_ITEMS);
    const copy: unknown[] = [];
    for (let index = 0; index < length; index++) {
      const key = String(index);
      trail.push(key);
      copy.push(
        this.rules.paths.length > 0 && matchesPath(this.rules.paths, trail)
          ? this.hide(value[index])
          : this.copy(value[index], trail),
      );
      trail.pop();
    }
    if (value.length > MAX_ITEMS) copy.push(`[+${value.length - MAX_ITEMS} items]`);
    for (let index = length; index < value.length && this.hidden !== undefined; index++) {
      collectStrings(value[index], this.hidden);
    }
    return copy;
  }

  private copyEntries(value: object, trail: string[]): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    const keys = Object.keys(value);
    const length = Math.min(keys.length, MAX_KEYS);
    for (let index = 0; index < length; index++) {
      const key = keys[index]!;
      const entry = (value as Record<string, unknown>)[key];
      trail.push(key);
      copy[key] = this.redacts(key, trail) ? this.hide(entry) : this.copy(entry, trail);
      trail.pop();
    }
    if (keys.length > MAX_KEYS) copy['…'] = `[+${keys.length - MAX_KEYS} keys]`;
    return copy;
  }
}

/**
 * A redacted, size-capped copy of `value`. Strings under redacted keys are appended to `hidden`
 * (when given), so messages can be scrubbed of them; strings listed in `scrubbed` are replaced
 * wherever they occur in the copy.
 */
export function redactValue(
  value: unknown,
  rules: RedactionRules,
  hidden?: string[],
  scrubbed: readonly string[] = [],
): unknown {
  return new Redactor(rules, hidden, scrubbed).copy(value, []);
}

/** Replaces every occurrence of the hidden strings (sorted longest first) in `text` with `[Redacted]`. */
export function scrubText(text: string, hidden: readonly string[]): string {
  if (hidden.length === 0) return text;
  let scrubbed = text;
  for (const value of hidden) {
    if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join(REDACTED);
  }
  return scrubbed;
}
