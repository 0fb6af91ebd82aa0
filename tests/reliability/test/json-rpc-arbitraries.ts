/**
 * fast-check arbitraries of JSON-RPC traffic a client (or an attacker) can send an MCP server: valid
 * requests with odd ids and params, notifications, stray responses and malformed messages. A case is
 * a list of JSON texts; each server gets its own `JSON.parse` of them, as a real transport would give
 * it (so `__proto__` stays an own key).
 */
import fc from 'fast-check';

export const HUGE_ASCII = 'x'.repeat(100_000);
/** 256 KB of multi-byte text: CJK, emoji, a lone surrogate, quotes, backslashes and newlines. */
export const HUGE_UNICODE = '漢字🙂"\\\n\ud800'.repeat(32_768);
export const LONG_NAME = 'n'.repeat(10_240);

const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const TOOL_NAMES = ['echo', 'add', 'slow', 'fail', 'soft_fail'];
const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'logging/setLevel',
  'completion/complete',
  'sampling/createMessage',
  'elicitation/create',
  'roots/list',
  'tasks/list',
];

const weirdString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_KEYS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', '"quoted"', 'back\\slash', 'new\nline', 'tab\t', '💥🙂', '\u0000'),
  },
  { weight: 1, arbitrary: fc.constantFrom(LONG_NAME, HUGE_ASCII, HUGE_UNICODE) },
);

const key = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 6 }) }, fc.constantFrom(...SPECIAL_KEYS));

const leaf = fc.oneof(
  weirdString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

/** Any JSON value, with `__proto__`/`constructor` keys as own properties (Object.fromEntries). */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
  ),
})).value;

const jsonObject = fc
  .array(fc.tuple(key, jsonValue), { maxLength: 4 })
  .map((entries) => Object.fromEntries(entries) as Record<string, unknown>);

/** Request ids: small pools (so duplicates happen), edge numbers, odd strings, and invalid types. */
export const requestId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -3, max: 12 }) },
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', '1', '', '__proto__', 'constructor', 'toString') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, 1.5, -0, 1e300),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom(LONG_NAME) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, {}, [], [1]) },
);

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

const traceparent = fc.oneof(
  fc.tuple(hex(32), hex(16)).map(([trace, span]) => `00-${trace}-${span}-01`),
  weirdString,
);

/** `_meta`: mostly valid (trace context, a progress token), sometimes hostile in every field. */
const meta = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        progressToken: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom('p', '__proto__')),
        traceparent,
        tracestate: fc.constantFrom('vendor=value', 'a=b,c=d'),
        baggage: fc.constantFrom('user=alice', 'k=v;p=1'),
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        progressToken: fc.oneof(requestId, weirdString),
        traceparent: weirdString,
        tracestate: weirdString,
        baggage: weirdString,
        'io.modelcontextprotocol/related-task': jsonValue,
      },
      { requiredKeys: [] },
    ),
  },
);

/** Params of a request: `_meta` one time in four. */
const withMeta = <Params extends Record<string, unknown>>(params: fc.Arbitrary<Params>) =>
  fc
    .tuple(params, fc.option(meta, { freq: 3 }))
    .map(([value, extra]) => (extra === null ? value : { ...value, _meta: extra }));

const toolArguments = (name: string) => {
  switch (name) {
    case 'echo':
      return fc.oneof({ weight: 3, arbitrary: fc.record({ text: weirdString }) }, jsonObject);
    case 'add':
      return fc.oneof(
        { weight: 3, arbitrary: fc.record({ a: fc.integer(), b: fc.double({ noDefaultInfinity: true }) }) },
        jsonObject,
      );
    case 'slow':
      return fc.oneof(
        { weight: 3, arbitrary: fc.record({ ms: fc.integer({ min: 0, max: 5 }) }) },
        fc.record({ ms: weirdString }),
      );
    default:
      return fc.oneof(fc.constant({}), jsonObject);
  }
};

const toolCallParams = fc
  .oneof(
    { weight: 6, arbitrary: fc.constantFrom(...TOOL_NAMES) },
    { weight: 2, arbitrary: weirdString },
    { weight: 1, arbitrary: jsonValue },
  )
  .chain((name) =>
    withMeta(
      fc.record(
        { name: fc.constant(name), arguments: typeof name === 'string' ? toolArguments(name) : jsonValue },
        { requiredKeys: ['name'] },
      ),
    ),
  );

const paramsFor = (method: string): fc.Arbitrary<unknown> => {
  switch (method) {
    case 'initialize':
      return fc.record(
        {
          protocolVersion: fc.oneof(fc.constantFrom('2025-06-18', '2025-03-26', '2024-11-05'), weirdString),
          capabilities: fc.oneof(fc.constant({}), jsonObject),
          clientInfo: fc.record({ name: weirdString, version: weirdString }),
        },
        { requiredKeys: ['protocolVersion'] },
      );
    case 'tools/call':
      return toolCallParams;
    case 'prompts/get':
      return withMeta(
        fc.record(
          {
            name: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('greet', 'broken') }, weirdString),
            arguments: fc.oneof({ weight: 3, arbitrary: fc.record({ name: weirdString }) }, jsonObject),
          },
          { requiredKeys: [] },
        ),
      );
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return fc.record({
        uri: fc.oneof(
          fc.constantFrom('config://app', 'broken://resource', 'not a uri', 'x://y'),
          weirdString,
        ),
      });
    case 'logging/setLevel':
      return fc.record({
        level: fc.oneof(fc.constantFrom('debug', 'info', 'error', 'emergency'), weirdString),
      });
    default:
      return fc.oneof(fc.constant(undefined), jsonObject, withMeta(fc.record({ cursor: weirdString })));
  }
};

/** Calls that reach handlers are the most interesting: tools/call weighs most. */
const method = fc.oneof(
  { weight: 10, arbitrary: fc.constant('tools/call') },
  { weight: 3, arbitrary: fc.constantFrom('prompts/get', 'resources/read') },
  { weight: 6, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 1, arbitrary: weirdString },
);

const withParams = (message: Record<string, unknown>, params: unknown): Record<string, unknown> =>
  params === undefined ? message : { ...message, params };

export const request = method.chain((name) =>
  fc
    .tuple(requestId, paramsFor(name))
    .map(([id, params]) => withParams({ jsonrpc: '2.0', id, method: name }, params)),
);

/** Cancellation only names ids no request of a case uses: cancelling a fast request is a race. */
const notification = fc.oneof(
  fc.constant({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    method: fc.constant('notifications/cancelled'),
    params: fc.record(
      { requestId: fc.constantFrom(1000, 'never', -1000), reason: weirdString },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    method: fc.constant('notifications/progress'),
    params: fc.record({ progressToken: requestId, progress: fc.integer(), message: weirdString }),
  }),
  fc.constant({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }),
  fc
    .tuple(weirdString, fc.oneof(fc.constant(undefined), jsonObject))
    .map(([name, params]) => withParams({ jsonrpc: '2.0', method: name }, params)),
);

const strayResponse = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0'), id: requestId, result: fc.oneof(fc.constant({}), jsonObject) }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: requestId,
    error: fc.record({ code: fc.integer(), message: weirdString, data: jsonValue }, { requiredKeys: [] }),
  }),
);

const malformed = fc.oneof(
  jsonValue,
  request.map((message) => ({ ...message, jsonrpc: '1.0' })),
  request.map(({ jsonrpc: _jsonrpc, ...rest }) => rest),
  fc.tuple(request, key, jsonValue).map(([message, extra, value]) => ({ ...message, [extra]: value })),
  fc.array(request, { minLength: 1, maxLength: 3 }),
);

export const message = fc.oneof(
  { weight: 10, arbitrary: request },
  { weight: 3, arbitrary: notification },
  { weight: 1, arbitrary: strayResponse },
  { weight: 2, arbitrary: malformed },
);

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 'init',
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } },
});
export const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });

/**
 * A case: usually a handshake first (four in five), then 1 to 10 messages; sometimes long `slow` calls
 * sent first and cancelled last (a cancelled call is answered by nobody, deterministically).
 */
export const fuzzCase: fc.Arbitrary<string[]> = fc
  .record({
    handshake: fc.nat(4).map((value) => value > 0),
    messages: fc.array(message, { minLength: 1, maxLength: 10 }),
    longCalls: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ handshake, messages, longCalls }) => {
    const lines = handshake ? [INITIALIZE, INITIALIZED] : [];
    const long = Array.from({ length: longCalls }, (_, position) => `long🔒${position}`);
    for (const id of long) {
      const call = { name: 'slow', arguments: { ms: 600_000 } };
      lines.push(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: call }));
    }
    for (const value of messages) lines.push(JSON.stringify(value) ?? 'null');
    for (const id of long) {
      const params = { requestId: id };
      lines.push(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params }));
    }
    return lines;
  });
