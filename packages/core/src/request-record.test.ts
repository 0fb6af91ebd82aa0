/**
 * The facts a request record holds and the transitions that write them, one transition at a time:
 * targets, refusals, added `_meta`, kept errors, responses of every kind, send failures and the end.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionInternals } from './internal-types.js';
import { RequestRecord } from './request-record.js';
import type { Direction, JsonRpcErrorObject, Refusal, RequestFacts } from './types.js';

const { timeOrigin } = performance;

interface Refused {
  readonly id: unknown;
  readonly error: JsonRpcErrorObject;
  readonly refusal: Refusal;
}

function recordOf(method: string, params?: unknown, direction: Direction = 'inbound') {
  const refused: Refused[] = [];
  const session = {
    refuse: (record: RequestFacts, error: JsonRpcErrorObject, refusal: Refusal) =>
      void refused.push({ id: record.id, error, refusal }),
  } as unknown as ConnectionInternals;
  const message =
    params === undefined ? { jsonrpc: '2.0', id: 1, method } : { jsonrpc: '2.0', id: 1, method, params };
  return { record: new RequestRecord(session, message, direction, undefined, undefined), refused };
}

const RATE_LIMITED: JsonRpcErrorObject = { code: -32000, message: 'slow down' };

describe('the target', () => {
  it.each([
    ['tools/call', { name: 'echo' }, 'echo'],
    ['prompts/get', { name: 'greet' }, 'greet'],
    ['resources/read', { uri: 'config://app' }, 'config://app'],
    ['resources/subscribe', { uri: 'config://app' }, 'config://app'],
    ['resources/unsubscribe', { uri: 'config://app' }, 'config://app'],
    ['resources/read', { uri: 5 }, undefined],
    ['tools/call', { name: 5 }, undefined],
    ['tools/call', { uri: 'config://app' }, undefined],
    ['completion/complete', { name: 'echo', uri: 'config://app' }, undefined],
    ['resources/read', undefined, undefined],
  ])('%s %j: %s', (method, params, target) => {
    expect(recordOf(method, params).record.target).toBe(target);
  });
});

describe('refuse', () => {
  it('refuses once, naming the plugin, the reason and a scope only when given', () => {
    const { record, refused } = recordOf('tools/call', { name: 'echo' });
    record.refuse(RATE_LIMITED, { plugin: 'rate-limit', reason: 'rate_limited' });
    record.refuse({ code: -32001, message: 'again' }, { plugin: 'other', reason: 'again', scope: 'tool' });
    expect(refused).toStrictEqual([
      { id: 1, error: RATE_LIMITED, refusal: { plugin: 'rate-limit', reason: 'rate_limited' } },
    ]);
    expect(record.refusal).toStrictEqual({ plugin: 'rate-limit', reason: 'rate_limited' });
  });

  it('names the plugin whose aroundRequest runs, else "unknown"; keeps a scope', () => {
    const around = recordOf('tools/call', { name: 'echo' });
    around.record.aroundPlugin = 'health';
    around.record.refuse(RATE_LIMITED, { reason: 'draining', scope: 'server' });
    const nowhere = recordOf('tools/call', { name: 'echo' });
    nowhere.record.refuse(RATE_LIMITED, { reason: 'draining' });
    expect([around.refused[0]?.refusal, nowhere.refused[0]?.refusal]).toStrictEqual([
      { plugin: 'health', reason: 'draining', scope: 'server' },
      { plugin: 'unknown', reason: 'draining' },
    ]);
  });

  it.each([
    ['an outbound request', (record: RequestRecord) => record, 'outbound' as const],
    ['a dispatched request', (record: RequestRecord) => void record.markDispatched(), 'inbound' as const],
    [
      'an answered request',
      (record: RequestRecord) => record.respondWith({ result: {} }),
      'inbound' as const,
    ],
    ['an ended request', (record: RequestRecord) => void record.finish('closed'), 'inbound' as const],
  ])('does nothing for %s', (_name, prepare, direction) => {
    const { record, refused } = recordOf('tools/call', { name: 'echo' }, direction);
    prepare(record);
    record.refuse(RATE_LIMITED, { plugin: 'rate-limit', reason: 'rate_limited' });
    expect(refused).toEqual([]);
    expect(record.refusal).toBeUndefined();
  });
});

describe('setMeta, setTrace, setContextValue', () => {
  it('adds _meta entries to an outbound request before it is answered, the first value of a key winning', () => {
    const { record } = recordOf('sampling/createMessage', {}, 'outbound');
    record.setMeta('traceparent', 'first');
    record.setMeta('traceparent', 'second');
    record.setMeta('tracestate', 'a=1');
    record.respondWith({ result: {} });
    record.setMeta('late', 'ignored');
    expect(record.addedMeta).toEqual({ traceparent: 'first', tracestate: 'a=1' });
  });

  it('adds nothing to an inbound request, or to an outbound one that ended', () => {
    const inbound = recordOf('tools/call', { name: 'echo' }).record;
    inbound.setMeta('traceparent', 'x');
    const ended = recordOf('sampling/createMessage', {}, 'outbound').record;
    ended.finish('cancelled');
    ended.setMeta('traceparent', 'x');
    expect([inbound.addedMeta, ended.addedMeta]).toEqual([undefined, undefined]);
  });

  it('keeps the trace ids and context values given', () => {
    const { record } = recordOf('ping');
    const trace = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    record.setTrace(trace);
    const key = Symbol('key');
    record.setContextValue(key, 'value');
    expect(record.trace).toBe(trace);
    expect([...(record.contextValues ?? [])]).toEqual([[key, 'value']]);
  });
});

describe('markDispatched', () => {
  it('is true once, and never for a request that was answered or ended first', () => {
    const once = recordOf('ping').record;
    const answered = recordOf('ping').record;
    answered.respondWith({ result: {} });
    const ended = recordOf('ping').record;
    ended.finish('cancelled');
    expect([
      once.markDispatched(),
      once.markDispatched(),
      answered.markDispatched(),
      ended.markDispatched(),
    ]).toEqual([true, false, false, false]);
    expect(once.dispatched).toBe(true);
  });
});

describe('errors kept from handlers', () => {
  it('keeps the first error', () => {
    const { record } = recordOf('tools/call', { name: 'fail' });
    const first = new Error('first');
    record.keepError(first);
    record.keepError(new Error('second'));
    expect(record.error).toBe(first);
  });

  it('keeps the first tool failure reason of a tools/call, with its error unless there is none', () => {
    const { record } = recordOf('tools/call', { name: 'fail' });
    record.markToolFailure('invalid_output', undefined);
    const thrown = new Error('later');
    record.markToolFailure('handler_threw', thrown);
    expect([record.toolErrorReason, record.error]).toEqual(['invalid_output', undefined]);
    const withError = recordOf('tools/call', { name: 'fail' }).record;
    withError.markToolFailure('handler_threw', thrown);
    expect([withError.toolErrorReason, withError.error]).toEqual(['handler_threw', thrown]);
  });

  it('marks no tool failure on other methods', () => {
    const { record } = recordOf('prompts/get', { name: 'broken' });
    record.markToolFailure('handler_threw', new Error('no'));
    expect([record.toolErrorReason, record.error]).toEqual([undefined, undefined]);
  });
});

describe('respondWith', () => {
  it('an error response: its code, message and type; client or server side by code', () => {
    const client = recordOf('tools/call', { name: 'echo' }).record;
    client.respondWith({ error: { code: -32602, message: 'bad params' } });
    const server = recordOf('tools/call', { name: 'echo' }).record;
    server.respondWith({ error: { code: -32603, message: 'boom' } });
    const odd = recordOf('ping').record;
    odd.respondWith({ error: { code: 'x', message: 7 } });
    const facts = (record: RequestRecord) => [
      record.outcome,
      record.errorCode,
      record.errorMessage,
      record.errorType,
      record.errorSide,
      record.responded,
    ];
    expect([facts(client), facts(server), facts(odd)]).toEqual([
      ['error', -32602, 'bad params', '-32602', 'client', true],
      ['error', -32603, 'boom', '-32603', 'server', true],
      ['error', undefined, undefined, '_OTHER', 'server', true],
    ]);
  });

  it('an error response to a call of an unknown tool is the client side, reason unknown_tool', () => {
    const { record } = recordOf('tools/call', { name: 'nope' });
    record.describeTarget({ targetRegistered: false, unknownTool: true, toolsManaged: true });
    record.respondWith({ error: { code: -32602, message: 'Tool nope not found' } });
    expect([record.toolErrorReason, record.errorSide, record.targetRegistered]).toEqual([
      'unknown_tool',
      'client',
      false,
    ]);
  });

  it('an error response after a tool failure reason clears the reason: the handler chose the code', () => {
    const { record } = recordOf('tools/call', { name: 'elicit' });
    record.markToolFailure('handler_threw', new Error('needs a URL'));
    record.respondWith({ error: { code: -32042, message: 'URL elicitation required' } });
    expect([record.outcome, record.toolErrorReason, record.errorSide]).toEqual([
      'error',
      undefined,
      'client',
    ]);
  });

  it.each([
    ['handler_returned_error', {}, undefined, 'tool'],
    ['invalid_arguments', { toolsManaged: true }, undefined, 'client'],
    ['unknown_tool', { unknownTool: true }, undefined, 'client'],
    ['handler_threw', {}, 'handler_threw', 'server'],
  ] as const)('a tool error result: reason %s', (reason, facts, marked, side) => {
    const { record } = recordOf('tools/call', { name: 'echo' });
    record.describeTarget({ targetRegistered: true, unknownTool: false, toolsManaged: false, ...facts });
    if (marked !== undefined) record.markToolFailure(marked, new Error('thrown'));
    record.respondWith({ result: { content: [], isError: true } });
    expect([record.outcome, record.errorType, record.toolErrorReason, record.errorSide]).toEqual([
      'tool_error',
      'tool_error',
      reason,
      side,
    ]);
  });

  it('a tool error result a managed tool returned after its handler started is the tool side', () => {
    const { record } = recordOf('tools/call', { name: 'echo' });
    record.describeTarget({ targetRegistered: true, unknownTool: false, toolsManaged: true });
    record.markHandlerStarted();
    record.respondWith({ result: { content: [], isError: true } });
    expect([record.toolErrorReason, record.errorSide]).toEqual(['handler_returned_error', 'tool']);
  });

  it('an outbound tool error result has no reason and is the tool side', () => {
    const { record } = recordOf('tools/call', { name: 'echo' }, 'outbound');
    record.respondWith({ result: { content: [], isError: true } });
    expect([record.outcome, record.toolErrorReason, record.errorSide]).toEqual([
      'tool_error',
      undefined,
      'tool',
    ]);
  });

  it('isError on anything but a tools/call result is an ordinary result', () => {
    const prompt = recordOf('prompts/get', { name: 'greet' }).record;
    const result = { messages: [], isError: true };
    prompt.respondWith({ result });
    const notObject = recordOf('tools/call', { name: 'echo' }).record;
    notObject.respondWith({ result: 'text' });
    expect([prompt.outcome, prompt.errorType, prompt.result, notObject.outcome]).toEqual([
      'ok',
      undefined,
      result,
      'ok',
    ]);
  });
});

describe('failToSend', () => {
  class StoreClosedError extends Error {}
  const anonymous = new (class extends Error {})('anonymous class');
  it.each([
    [new StoreClosedError('closed'), 'StoreClosedError'],
    [new TypeError('bad'), 'TypeError'],
    [anonymous, 'Error'],
    ['a string', '_OTHER'],
  ])('%s: an error named after its class', (error, errorType) => {
    const { record } = recordOf('sampling/createMessage', {}, 'outbound');
    record.failToSend(error);
    expect([record.outcome, record.error, record.errorType, record.errorSide, record.responded]).toEqual([
      'error',
      error,
      errorType,
      'server',
      true,
    ]);
  });

  it('changes nothing once answered or ended', () => {
    const answered = recordOf('sampling/createMessage', {}, 'outbound').record;
    answered.respondWith({ result: {} });
    answered.failToSend(new Error('late'));
    const ended = recordOf('sampling/createMessage', {}, 'outbound').record;
    ended.finish('cancelled');
    ended.failToSend(new Error('late'));
    expect([answered.outcome, answered.error, ended.outcome, ended.error]).toEqual([
      'ok',
      undefined,
      'cancelled',
      undefined,
    ]);
  });
});

describe('finish', () => {
  it('ends once; an outcome given overrides the response, an error without one is the server side', () => {
    const { record } = recordOf('tools/call', { name: 'echo' });
    record.respondWith({ error: { code: -32602, message: 'bad params' } });
    expect(record.finish('error')).toBe(true);
    expect(record.finish('ok')).toBe(false);
    expect([
      record.outcome,
      record.errorCode,
      record.errorMessage,
      record.errorType,
      record.errorSide,
    ]).toEqual(['error', undefined, undefined, '_OTHER', 'server']);
  });

  it('cancelled or closed: no error facts left', () => {
    for (const outcome of ['cancelled', 'closed'] as const) {
      const { record } = recordOf('tools/call', { name: 'echo' });
      record.respondWith({ error: { code: -32603, message: 'boom' } });
      record.finish(outcome);
      expect([record.outcome, record.errorType, record.errorSide, record.toolErrorReason]).toEqual([
        outcome,
        undefined,
        undefined,
        undefined,
      ]);
    }
  });

  it('keeps the response when no outcome is given', () => {
    const { record } = recordOf('tools/call', { name: 'echo' });
    record.respondWith({ error: { code: -32602, message: 'bad params' } });
    record.finish();
    expect([record.outcome, record.errorType, record.errorSide]).toEqual(['error', '-32602', 'client']);
  });

  it('an answered request lasts until its response; one never answered until it ends', async () => {
    const answered = recordOf('ping').record;
    const unanswered = recordOf('ping').record;
    const respondedAt = performance.now();
    answered.respondWith({ result: {} });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const beforeEnd = performance.now();
    answered.finish();
    unanswered.finish('closed');
    const afterEnd = performance.now();
    expect(answered.durationMs!).toBeLessThan(beforeEnd - answered.startMark);
    expect(answered.startMark + answered.durationMs!).toBeGreaterThanOrEqual(respondedAt);
    expect(unanswered.startMark + unanswered.durationMs!).toBeGreaterThanOrEqual(beforeEnd);
    expect(unanswered.startMark + unanswered.durationMs!).toBeLessThanOrEqual(afterEnd);
    expect(answered.endTime).toBeCloseTo(timeOrigin + answered.startMark + answered.durationMs!, 3);
    expect(answered.startTime).toBeCloseTo(timeOrigin + answered.startMark, 3);
  });
});
