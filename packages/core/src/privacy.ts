/**
 * The one privacy rule every signal follows. Tool and prompt arguments and tool results are private:
 * no span, log line, metric or Sentry event shows them unless the user opts in (`recordArguments`,
 * `recordResults`), and then values under secret-looking keys (and the keys or paths the user lists in
 * `redact`) become `[REDACTED]` and the whole is cut to `maxPayloadLength` characters. Error messages
 * and stacks often echo arguments: the strings a signal may not show are scrubbed out of them.
 */
import type { RequestFacts } from './types.js';

/** What every hidden value becomes, in every signal. */
export const REDACTED = '[REDACTED]';

/** Marks where a recorded payload was cut. */
export const TRUNCATED = '…[truncated]';

/** The privacy options every recording plugin (tracing, logging, sentry) takes, with the same names. */
export interface PrivacyOptions {
  /**
   * Record tools/call and prompts/get arguments (`gen_ai.tool.call.arguments`), redacted and cut to
   * `maxPayloadLength`.
   * @default false
   */
  readonly recordArguments?: boolean;
  /**
   * Record tools/call results (`gen_ai.tool.call.result`), redacted and cut to `maxPayloadLength`.
   * @default false
   */
  readonly recordResults?: boolean;
  /**
   * Longest recorded arguments or result, in characters of JSON; longer ones are cut and marked.
   * @default 4096
   */
  readonly maxPayloadLength?: number;
  /**
   * More keys or paths to redact, on top of the secret-looking keys. A bare key (`ssn`) is redacted at
   * any depth; a dotted path (`user.card.number`, `items.*.token`) from the root of the arguments or
   * result; `*` matches any one key or index.
   * @default []
   */
  readonly redact?: readonly string[];
}

/** `PrivacyOptions` with defaults applied and `redact` compiled. */
export interface PrivacyRules {
  readonly recordArguments: boolean;
  readonly recordResults: boolean;
  readonly maxPayloadLength: number;
  /** User keys redacted at any depth. */
  readonly keys: ReadonlySet<string>;
  /** User paths from the root, split into segments; `*` matches any one segment. */
  readonly paths: readonly (readonly string[])[];
}

export const DEFAULT_MAX_PAYLOAD_LENGTH = 4096;

const MAX_DEPTH = 8;
const MAX_ITEMS = 100;
const MAX_KEYS = 100;
const MAX_HIDDEN_VALUES = 256;
/** Shorter strings are not scrubbed out of messages: too likely to match unrelated text. */
const MIN_SCRUBBED_LENGTH = 4;

/**
 * Substrings of a normalized key (lower case, letters and digits only) that mark it secret: `apiKey`,
 * `x-api-key`, `githubToken`, `userPassword`, `accessKey`, `client_secret`, `Set-Cookie`, ...
 */
const SECRET_KEY_PARTS = [
  'pass',
  'pwd',
  'secret',
  'token',
  'apikey',
  'authoriz',
  'authoris',
  'authentic',
  'credential',
  'cookie',
  'session',
  'privatekey',
  'accesskey',
  'signature',
  'bearer',
  'jwt',
];
/** Normalized keys that are secret only when they are the whole key. */
const SECRET_KEYS = new Set(['pin', 'otp', 'cvv', 'cvc', 'ssn']);

const secretKeyCache = new Map<string, boolean>();

function hasAuthWord(normalized: string): boolean {
  // `auth`, `oauth`, `basicAuth`, `authHeader`, but not `author` or `authority`.
  let from = 0;
  for (;;) {
    const at = normalized.indexOf('auth', from);
    if (at === -1) return false;
    if (!normalized.startsWith('or', at + 4)) return true;
    from = at + 4;
  }
}

/** Whether an object key names a secret, in any naming style. */
export function isSecretKey(key: string): boolean {
  const cached = secretKeyCache.get(key);
  if (cached !== undefined) return cached;
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const secret =
    normalized.length > 0 &&
    (SECRET_KEYS.has(normalized) ||
      hasAuthWord(normalized) ||
      SECRET_KEY_PARTS.some((part) => normalized.includes(part)));
  if (secretKeyCache.size < 10_000) secretKeyCache.set(key, secret);
  return secret;
}

/** Applies defaults and compiles `redact`; throws a clear error for invalid options. */
export function privacyRules(options: PrivacyOptions, owner: string): PrivacyRules {
  const {
    recordArguments = false,
    recordResults = false,
    maxPayloadLength = DEFAULT_MAX_PAYLOAD_LENGTH,
    redact = [],
  } = options;
  if (!Number.isFinite(maxPayloadLength) || maxPayloadLength < 16) {
    throw new TypeError(`${owner}: maxPayloadLength must be a number of characters, 16 or more.`);
  }
  if (!Array.isArray(redact) || redact.some((entry) => typeof entry !== 'string')) {
    throw new TypeError(`${owner}: redact must be an array of keys or dotted paths.`);
  }
  const keys = new Set<string>();
  const paths: string[][] = [];
  for (const entry of redact) {
    const segments = (entry as string)
      .replace(/\[(\*|\d+)\]/g, '.$1')
      .split('.')
      .filter((segment) => segment.length > 0);
    if (segments.length === 1) keys.add(segments[0]!);
    else if (segments.length > 1) paths.push(segments);
  }
  return {
    recordArguments: recordArguments === true,
    recordResults: recordResults === true,
    maxPayloadLength: Math.floor(maxPayloadLength),
    keys,
    paths,
  };
}

function matchesPath(paths: PrivacyRules['paths'], trail: readonly string[]): boolean {
  for (const path of paths) {
    if (path.length !== trail.length) continue;
    let index = 0;
    while (index < path.length && (path[index] === '*' || path[index] === trail[index])) index++;
    if (index === path.length) return true;
  }
  return false;
}

/** Cuts text to `maxLength` characters (marked), never splitting a surrogate pair. */
export function capText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, maxLength - TRUNCATED.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + TRUNCATED;
}

/** Collects the string leaves of a value (bounded), for scrubbing them out of messages. */
function collectStrings(value: unknown, into: string[], depth: number): void {
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
    private readonly rules: PrivacyRules,
    private readonly hidden: string[] | undefined,
    private readonly scrubbed: readonly string[],
  ) {}

  copy(value: unknown, trail: string[]): unknown {
    switch (typeof value) {
      case 'string':
        return capText(scrubText(value, this.scrubbed), this.rules.maxPayloadLength);
      case 'number':
        return Number.isFinite(value) ? value : String(value);
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
    if (this.hidden !== undefined) collectStrings(value, this.hidden, 0);
    return REDACTED;
  }

  private redacts(key: string, trail: readonly string[]): boolean {
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
      trail.push(String(index));
      copy.push(
        this.rules.paths.length > 0 && matchesPath(this.rules.paths, trail)
          ? this.hide(value[index])
          : this.copy(value[index], trail),
      );
      trail.pop();
    }
    if (value.length > MAX_ITEMS) copy.push(`[+${value.length - MAX_ITEMS} items]`);
    return copy;
  }

  private copyEntries(value: object, trail: string[]): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    const keys = Object.keys(value);
    const length = Math.min(keys.length, MAX_KEYS);
    for (let index = 0; index < length; index++) {
      const key = keys[index]!;
      let entry: unknown;
      try {
        entry = (value as Record<string, unknown>)[key];
      } catch {
        entry = '[Unreadable]';
      }
      trail.push(key);
      const copied = this.redacts(key, trail) ? this.hide(entry) : this.copy(entry, trail);
      trail.pop();
      // A key such as `__proto__` must stay data, never become the copy's prototype.
      Object.defineProperty(copy, key, {
        value: copied,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (keys.length > MAX_KEYS) copy['…'] = `[+${keys.length - MAX_KEYS} keys]`;
    return copy;
  }
}

/**
 * A redacted, bounded copy of a payload, safe to serialize: secret keys and the user's keys and paths
 * become `[REDACTED]` (their strings are appended to `hidden` when given), strings listed in
 * `scrubbed` are replaced wherever they occur, depth, items and keys are capped.
 */
export function redactPayload(
  value: unknown,
  rules: PrivacyRules,
  hidden?: string[],
  scrubbed: readonly string[] = [],
): unknown {
  return new Redactor(rules, hidden, scrubbed).copy(value, []);
}

/**
 * A payload as it may be recorded: redacted, serialized to JSON and cut to `maxPayloadLength`.
 * Undefined when there is nothing to record. Never throws.
 */
export function serializePayload(
  value: unknown,
  rules: PrivacyRules,
  scrubbed: readonly string[] = [],
): string | undefined {
  if (value === undefined) return undefined;
  try {
    const json = JSON.stringify(redactPayload(value, rules, undefined, scrubbed));
    return json === undefined ? undefined : capText(json, rules.maxPayloadLength);
  } catch {
    return '[Unserializable]';
  }
}

/** The arguments of a tools/call or prompts/get request; undefined for other methods. */
export function argumentsOf(request: Pick<RequestFacts, 'method' | 'params'>): unknown {
  const { method } = request;
  return method === 'tools/call' || method === 'prompts/get' ? request.params?.arguments : undefined;
}

/**
 * The strings no signal may show for this request, longest first: every argument string when arguments
 * are not recorded, else only the ones the recorded copy hides. Scrub error messages, stacks and results
 * of them (`scrubText`, `scrubError`).
 */
export function privateStrings(
  request: Pick<RequestFacts, 'method' | 'params'>,
  rules: PrivacyRules,
): string[] {
  const argumentsValue = argumentsOf(request);
  if (argumentsValue === undefined || argumentsValue === null) return [];
  const hidden: string[] = [];
  if (rules.recordArguments) redactPayload(argumentsValue, rules, hidden);
  else collectStrings(argumentsValue, hidden, 0);
  return hidden.length < 2 ? hidden : hidden.sort((left, right) => right.length - left.length);
}

/** Replaces every occurrence of the hidden strings (longest first) in `text` with `[REDACTED]`. */
export function scrubText(text: string, hidden: readonly string[]): string {
  if (hidden.length === 0) return text;
  let scrubbed = text;
  for (const value of hidden) {
    if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join(REDACTED);
  }
  return scrubbed;
}

/**
 * The error itself when it shows none of the hidden strings; otherwise a copy (same prototype, name and
 * `code`) whose message, stack and cause chain are scrubbed. Non-errors become scrubbed strings.
 */
export function scrubError(error: unknown, hidden: readonly string[], depth = 0): unknown {
  if (hidden.length === 0 || error === undefined || error === null) return error;
  if (!(error instanceof Error)) return scrubText(String(error), hidden);
  const message = scrubText(error.message, hidden);
  const stack = typeof error.stack === 'string' ? scrubText(error.stack, hidden) : undefined;
  const cause = (error as { cause?: unknown }).cause;
  const scrubbedCause = cause === undefined || depth >= 3 ? cause : scrubError(cause, hidden, depth + 1);
  if (message === error.message && stack === error.stack && scrubbedCause === cause) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error & {
    code?: unknown;
    cause?: unknown;
  };
  Object.defineProperty(copy, 'name', { value: error.name, writable: true, configurable: true });
  copy.message = message;
  if (stack !== undefined) copy.stack = stack;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) copy.code = code;
  if (scrubbedCause !== undefined) copy.cause = scrubbedCause;
  return copy;
}
