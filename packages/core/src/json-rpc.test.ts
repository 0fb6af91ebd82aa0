import * as v1 from '@modelcontextprotocol/sdk/types.js';
import * as v2 from '@modelcontextprotocol/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyMessage, type MessageKind } from './json-rpc.js';

type Guards = {
  isJSONRPCResultResponse(value: unknown): boolean;
  isJSONRPCErrorResponse(value: unknown): boolean;
  isJSONRPCRequest(value: unknown): boolean;
  isJSONRPCNotification(value: unknown): boolean;
};

/** How the SDK's Protocol routes a message, in its own order. */
function sdkKind(guards: Guards, message: unknown): MessageKind {
  if (guards.isJSONRPCResultResponse(message)) return 'result';
  if (guards.isJSONRPCErrorResponse(message)) return 'error';
  if (guards.isJSONRPCRequest(message)) return 'request';
  if (guards.isJSONRPCNotification(message)) return 'notification';
  return 'other';
}

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const scalar = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
);
const meta = fc.oneof(
  fc.constant(undefined),
  scalar,
  fc.record(
    {
      progressToken: optional(scalar),
      'io.modelcontextprotocol/related-task': optional(fc.oneof(scalar, fc.record({ taskId: scalar }))),
      traceparent: optional(fc.string({ maxLength: 8 })),
    },
    { requiredKeys: [] },
  ),
);
const params = fc.oneof(
  fc.constant(undefined),
  scalar,
  fc.array(scalar, { maxLength: 2 }),
  fc.record({ _meta: meta, name: optional(scalar) }, { requiredKeys: [] }),
);
const message = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), fc.constant(2)),
    id: fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), scalar),
    method: fc.oneof(fc.constantFrom('tools/call', 'ping', 'notifications/cancelled'), scalar),
    params,
    result: fc.oneof(scalar, fc.record({ _meta: meta }, { requiredKeys: [] })),
    error: fc.oneof(
      scalar,
      fc.record(
        { code: fc.oneof(fc.integer(), fc.double(), fc.string()), message: scalar, data: scalar },
        {
          requiredKeys: [],
        },
      ),
    ),
    extra: scalar,
  },
  { requiredKeys: [] },
);
const id = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.integer(), scalar);
const method = fc.oneof(
  fc.constantFrom('tools/call', 'ping', 'notifications/cancelled'),
  fc.string({ maxLength: 4 }),
);
const version = fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'));
const mutation = fc.option(fc.record({ extra: scalar }), { freq: 4, nil: {} });
const shaped = fc
  .oneof(
    fc.tuple(
      fc.record({ jsonrpc: version, id, method, params }, { requiredKeys: ['jsonrpc', 'id', 'method'] }),
      mutation,
    ),
    fc.tuple(
      fc.record({ jsonrpc: version, method, params }, { requiredKeys: ['jsonrpc', 'method'] }),
      mutation,
    ),
    fc.tuple(
      fc.record({
        jsonrpc: version,
        id,
        result: fc.oneof(scalar, fc.record({ _meta: meta }, { requiredKeys: [] })),
      }),
      mutation,
    ),
    fc.tuple(
      fc.record(
        {
          jsonrpc: version,
          id,
          error: fc.record({
            code: fc.oneof(fc.integer(), fc.double()),
            message: fc.oneof(fc.string(), scalar),
          }),
        },
        { requiredKeys: ['jsonrpc', 'error'] },
      ),
      mutation,
    ),
  )
  .map(([body, extra]) => ({ ...body, ...extra }));
const anything = fc.oneof(shaped, shaped, shaped, message, scalar, fc.array(message, { maxLength: 2 }));

describe.each([
  ['v1', v1 as Guards],
  ['v2', v2 as unknown as Guards],
] as const)('classification agrees with SDK %s', (_name, guards) => {
  it('for 20,000 generated messages', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const expected = sdkKind(guards, value);
        const actual = classifyMessage(value);
        // SDK v1 alone rejects results whose _meta holds a malformed progress token or task id.
        const v1StricterResultMeta = _name === 'v1' && actual === 'result' && expected === 'other';
        if (!v1StricterResultMeta) expect(actual).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });

  it('generates every kind of message often enough to matter', () => {
    const counts = new Map<MessageKind, number>();
    for (const value of fc.sample(anything, 20_000)) {
      const kind = sdkKind(guards, value);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    for (const kind of ['request', 'notification', 'result', 'error', 'other'] as const) {
      expect(counts.get(kind) ?? 0).toBeGreaterThan(50);
    }
  });
});
