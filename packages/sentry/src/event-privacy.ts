/**
 * Core's privacy rule applied to a Sentry event, whoever filled it: this plugin, Sentry's MCP
 * instrumentation, the handler's own `Sentry.capture*`, and what Sentry's integrations attach (the Http
 * integration puts the incoming request, body included, on the isolation scope). Argument strings echoed
 * into messages, stacks and breadcrumbs are scrubbed; the HTTP body, cookies, secret headers and secret
 * query parameters leave the event unless arguments are recorded, and then only redacted.
 */
import { capText, isSecretKey, type PrivacyRules, REDACTED, redactPayload, scrubText } from '@mcpscope/core';
import type { Breadcrumb, Event } from '@sentry/node';

type EventRequest = NonNullable<Event['request']>;

/** Query parameters under secret-looking names become `[REDACTED]`; the hidden strings are scrubbed. */
export function redactQuery(query: string, hidden: readonly string[]): string {
  if (query === '') return query;
  const pairs = query.split('&');
  for (let index = 0; index < pairs.length; index++) {
    const pair = pairs[index]!;
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    let name: string;
    try {
      name = decodeURIComponent(pair.slice(0, equals).replace(/\+/g, ' '));
    } catch {
      name = pair.slice(0, equals);
    }
    if (isSecretKey(name)) pairs[index] = `${pair.slice(0, equals + 1)}${REDACTED}`;
  }
  return scrubText(pairs.join('&'), hidden);
}

/** A URL with its secret query parameters redacted. */
function redactUrl(url: string, hidden: readonly string[]): string {
  const question = url.indexOf('?');
  if (question === -1) return scrubText(url, hidden);
  const hash = url.indexOf('#', question);
  const query = url.slice(question + 1, hash === -1 ? undefined : hash);
  return `${scrubText(url.slice(0, question), hidden)}?${redactQuery(query, hidden)}${hash === -1 ? '' : url.slice(hash)}`;
}

function redactQueryString(
  query: EventRequest['query_string'],
  hidden: readonly string[],
): EventRequest['query_string'] {
  if (typeof query === 'string') return redactQuery(query, hidden);
  if (Array.isArray(query)) {
    return query.map(([name, value]): [string, string] => [
      name,
      isSecretKey(name) ? REDACTED : scrubText(value, hidden),
    ]);
  }
  if (query !== undefined && query !== null && typeof query === 'object') {
    const copy: Record<string, string> = {};
    for (const [name, value] of Object.entries(query)) {
      copy[name] = isSecretKey(name) ? REDACTED : scrubText(String(value), hidden);
    }
    return copy;
  }
  return query;
}

function redactHeaders(headers: Record<string, string>, hidden: readonly string[]): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = isSecretKey(name) ? REDACTED : scrubText(String(value), hidden);
  }
  return copy;
}

/**
 * A JSON-RPC body (one message or a batch), redacted: the user's paths apply from the root of each
 * message's `params.arguments`, secret-looking keys at any depth.
 */
function redactMessage(message: unknown, rules: PrivacyRules, hidden: readonly string[]): unknown {
  if (Array.isArray(message)) return message.map((entry) => redactMessage(entry, rules, hidden));
  if (typeof message !== 'object' || message === null)
    return redactPayload(message, rules, undefined, hidden);
  const params = (message as { params?: unknown }).params;
  const argumentsValue =
    typeof params === 'object' && params !== null ? (params as { arguments?: unknown }).arguments : undefined;
  if (argumentsValue === undefined) return redactPayload(message, rules, undefined, hidden);
  const copy = redactPayload(
    { ...message, params: { ...(params as object), arguments: null } },
    rules,
    undefined,
    hidden,
  ) as { params: { arguments: unknown } };
  copy.params.arguments = redactPayload(argumentsValue, rules, undefined, hidden);
  return copy;
}

/** An HTTP body as Sentry keeps it (a string, or already parsed), parsed; undefined when not JSON. */
function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** The recorded form of an HTTP body: redacted JSON cut to `maxPayloadLength`, or nothing when unreadable. */
function recordedBody(parsed: unknown, rules: PrivacyRules, hidden: readonly string[]): string | undefined {
  // Not JSON (or cut by Sentry's body size limit): its secrets cannot be told apart, so it goes.
  if (parsed === undefined) return undefined;
  try {
    return capText(JSON.stringify(redactMessage(parsed, rules, hidden)) ?? '', rules.maxPayloadLength);
  } catch {
    return undefined;
  }
}

function isJsonRpcMessage(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { jsonrpc?: unknown }).jsonrpc === '2.0';
}

/**
 * What Sentry may keep of an HTTP body that is not known to be an observed request's (a transaction's, a
 * span's): a JSON-RPC body (MCP's) is private, recorded only with `recordArguments` and redacted; other
 * bodies are not this plugin's business (`'keep'`).
 */
export function privateJsonRpcBody(data: unknown, rules: PrivacyRules): string | undefined | 'keep' {
  const parsed = parseBody(data);
  const jsonRpc = Array.isArray(parsed) ? parsed.some(isJsonRpcMessage) : isJsonRpcMessage(parsed);
  if (!jsonRpc) return 'keep';
  return rules.recordArguments ? recordedBody(parsed, rules, []) : undefined;
}

/** What an event may show of the HTTP request Sentry's Http integration attached. */
function privateRequest(request: EventRequest, rules: PrivacyRules, hidden: readonly string[]): EventRequest {
  const copy: EventRequest = { ...request };
  if (rules.recordArguments && copy.data !== undefined) {
    const data = recordedBody(parseBody(copy.data), rules, hidden);
    if (data === undefined) delete copy.data;
    else copy.data = data;
  } else delete copy.data;
  if (rules.recordArguments && copy.cookies !== undefined) {
    copy.cookies = redactPayload(copy.cookies, rules, undefined, hidden) as Record<string, string>;
  } else delete copy.cookies;
  if (copy.headers !== undefined) copy.headers = redactHeaders(copy.headers, hidden);
  if (copy.query_string !== undefined) {
    const query = redactQueryString(copy.query_string, hidden);
    if (query === undefined) delete copy.query_string;
    else copy.query_string = query;
  }
  if (typeof copy.url === 'string') copy.url = redactUrl(copy.url, hidden);
  return copy;
}

function scrubBreadcrumb(breadcrumb: Breadcrumb, hidden: readonly string[]): void {
  if (typeof breadcrumb.message === 'string') breadcrumb.message = scrubText(breadcrumb.message, hidden);
  const { data } = breadcrumb;
  if (data === undefined || data === null) return;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (isSecretKey(key)) copy[key] = REDACTED;
    else if (typeof value !== 'string') copy[key] = value;
    else if (key === 'url') copy[key] = redactUrl(value, hidden);
    else if (key === 'http.query') copy[key] = redactQuery(value.replace(/^\?/, ''), hidden);
    else copy[key] = scrubText(value, hidden);
  }
  breadcrumb.data = copy;
}

/**
 * Applies the privacy rule to an event: `hidden` are the strings it may not show (core's
 * `privateStrings` of the request, empty outside tools/call and prompts/get).
 */
export function applyPrivacy(event: Event, rules: PrivacyRules, hidden: readonly string[]): void {
  if (event.request !== undefined) event.request = privateRequest(event.request, rules, hidden);
  for (const breadcrumb of event.breadcrumbs ?? []) scrubBreadcrumb(breadcrumb, hidden);
  if (hidden.length === 0) return;
  for (const value of event.exception?.values ?? []) {
    if (typeof value.value === 'string') value.value = scrubText(value.value, hidden);
    for (const frame of value.stacktrace?.frames ?? []) {
      // Local variables (Sentry's LocalVariables integration) hold the handler's arguments.
      if (frame.vars !== undefined) {
        frame.vars = redactPayload(frame.vars, rules, undefined, hidden) as Record<string, unknown>;
      }
    }
  }
  if (typeof event.message === 'string') event.message = scrubText(event.message, hidden);
  const { logentry } = event;
  if (logentry !== undefined) {
    if (typeof logentry.message === 'string') logentry.message = scrubText(logentry.message, hidden);
    if (Array.isArray(logentry.params)) {
      logentry.params = logentry.params.map((param) =>
        typeof param === 'string' ? scrubText(param, hidden) : param,
      );
    }
  }
}
