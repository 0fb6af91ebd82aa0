/**
 * Per-request hooks: `requestHook` and `responseHook` add to SERVER and CLIENT spans, `ignore` drops a
 * span, and a hook that throws is reported once and changes nothing else.
 */
import { type Diagnostic, observe, type RequestFacts } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  waitFor,
} from '@mcpscope/test-kit';
import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type AnyClient, callTool, connectPair, newClient, request } from '../test/clients.js';
import { registerTestOtel } from '../test/otel.js';
import { requestSpan, TRACING_DIAGNOSTIC_CODES, type TracingOptions, tracing } from './index.js';

const otel = registerTestOtel();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  otel.reset();
});

const tenantOf = (request: RequestFacts) => (request.meta?.tenant as string | undefined) ?? 'none';

/** A server and a client, both observed with tracing(options); each call's answer is returned. */
async function drive(sdk: SdkVersion, options: TracingOptions, diagnostics: Diagnostic[] = []) {
  const server = observe(createExampleServer({ sdk }), {
    onDiagnostic: (diagnostic) => void diagnostics.push(diagnostic),
  }).use(tracing(options));
  const client = observe(newClient(sdk), {
    onDiagnostic: (diagnostic) => void diagnostics.push(diagnostic),
  }).use(tracing(options));
  await connectPair(server, client, sdk);
  cleanups.push(() => client.close());
  const answers = [
    await callTool(client, 'echo', { text: 'hi' }),
    await callTool(client, 'fail'),
    await callTool(client, 'soft_fail'),
    await request(client, 'prompts/get', { name: 'nope' }).catch((error: Error) => error.message),
  ];
  await waitFor(() => otel.named('prompts/get nope').length === 2, 'the last spans to end');
  return answers;
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('requestHook and responseHook land on SERVER and CLIENT spans, with the outcome known at the end', async () => {
    const calls: string[] = [];
    const diagnostics: Diagnostic[] = [];
    await drive(
      sdk,
      {
        requestHook: (span, request) => {
          calls.push(`request ${request.direction} ${request.method}`);
          span.setAttribute('tenant.id', tenantOf(request));
          span.setAttribute('hook.direction', request.direction);
        },
        responseHook: (span, request) => {
          calls.push(`response ${request.direction} ${request.method} ${request.outcome}`);
          span.setAttribute('hook.outcome', request.outcome ?? '-');
        },
      },
      diagnostics,
    );
    for (const kind of [SpanKind.SERVER, SpanKind.CLIENT]) {
      const direction = kind === SpanKind.SERVER ? 'inbound' : 'outbound';
      expect(otel.one('tools/call echo', kind).attributes).toMatchObject({
        'tenant.id': 'none',
        'hook.direction': direction,
        'hook.outcome': 'ok',
      });
      expect(otel.one('tools/call soft_fail', kind).attributes['hook.outcome']).toBe('tool_error');
      expect(otel.one('prompts/get nope', kind).attributes['hook.outcome']).toBe('error');
    }
    expect(calls.filter((call) => call === 'request inbound tools/call')).toHaveLength(3);
    expect(calls.filter((call) => call === 'request outbound tools/call')).toHaveLength(3);
    expect(calls.filter((call) => call.startsWith('response '))).toHaveLength(10); // with initialize, twice
    // No `ignore` given: nothing is called in its place, so nothing fails.
    expect(diagnostics).toEqual([]);
  });

  it('ignore: no span at all for the requests it names, inbound and outbound', async () => {
    const seen: string[] = [];
    const diagnostics: Diagnostic[] = [];
    await drive(
      sdk,
      {
        ignore: (request) => {
          seen.push(`${request.direction} ${request.method}`);
          return request.method === 'tools/call' && request.target === 'echo';
        },
      },
      diagnostics,
    );
    expect(otel.named('tools/call echo')).toEqual([]);
    expect(
      otel
        .named('tools/call fail')
        .map((span) => span.kind)
        .sort(),
    ).toEqual([SpanKind.SERVER, SpanKind.CLIENT]);
    expect(seen.filter((entry) => entry === 'inbound tools/call')).toHaveLength(3);
    expect(seen.filter((entry) => entry === 'outbound tools/call')).toHaveLength(3);
    // An ignored request ends without a span, and no `requestHook` was given: nothing fails.
    expect(diagnostics).toEqual([]);
  });

  it('a throwing hook of each kind: the same answers, the spans still end, each reported once', async () => {
    const bare = await drive(sdk, {});
    const expectedSpans = otel.spans().length;
    otel.reset();
    const diagnostics: Diagnostic[] = [];
    const fail = () => {
      throw new Error('hook bug');
    };
    const answers = await drive(sdk, { requestHook: fail, responseHook: fail, ignore: fail }, diagnostics);
    expect(answers).toEqual(bare);
    expect(otel.spans()).toHaveLength(expectedSpans);
    expect(otel.one('tools/call echo', SpanKind.SERVER).attributes['mcp.request.outcome']).toBe('ok');
    // Two plugin instances (server and client), three hooks each: each instance reports each hook once.
    const reported = diagnostics
      .filter((diagnostic) => diagnostic.code === TRACING_DIAGNOSTIC_CODES.hookFailed)
      .map((diagnostic) => `${diagnostic.plugin} ${diagnostic.hook} ${(diagnostic.error as Error).message}`)
      .sort();
    expect(reported).toEqual(
      [
        'tracing ignore hook bug',
        'tracing ignore hook bug',
        'tracing requestHook hook bug',
        'tracing requestHook hook bug',
        'tracing responseHook hook bug',
        'tracing responseHook hook bug',
      ].sort(),
    );
    expect(
      diagnostics.filter((diagnostic) => diagnostic.code !== TRACING_DIAGNOSTIC_CODES.hookFailed),
    ).toEqual([]);
  });

  it('a sampled-out request calls no hook and records nothing, and its trace context still goes on', async () => {
    const hookCalls: string[] = [];
    const hook = (name: string) => (_span: unknown, request: RequestFacts) =>
      void hookCalls.push(`${name} ${request.direction} ${request.method}`);
    const options = { requestHook: hook('requestHook'), responseHook: hook('responseHook') };
    const diagnostics: Diagnostic[] = [];
    const onDiagnostic = (diagnostic: Diagnostic) => void diagnostics.push(diagnostic);
    const handled: RequestFacts[] = [];
    const sent: RequestFacts[] = [];
    const server = observe(createExampleServer({ sdk }), { onDiagnostic }).use(tracing(options), {
      name: 'handled',
      onRequestEnd: (request) => void handled.push(request),
    });
    const client = observe(newClient(sdk), { onDiagnostic }).use(tracing(options), {
      name: 'sent',
      onOutboundRequestEnd: (request) => void sent.push(request),
    });
    await connectPair(server, client, sdk);
    cleanups.push(() => client.close());
    // The handshake is sampled (no parent): its hooks ran.
    expect(hookCalls.sort()).toEqual([
      'requestHook inbound initialize',
      'requestHook outbound initialize',
      'responseHook inbound initialize',
      'responseHook outbound initialize',
    ]);
    hookCalls.length = 0;
    otel.reset();

    // The caller's trace was not sampled (flags 00): the default ParentBased sampler drops the calls.
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const notSampled = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    await context.with(notSampled, async () => {
      await callTool(client, 'echo', { text: 'hi' });
      await callTool(client, 'fail');
    });
    await waitFor(
      () => handled.filter((request) => request.method === 'tools/call').length === 2,
      'both calls',
    );

    expect(hookCalls).toEqual([]);
    expect(otel.spans()).toEqual([]);
    expect(diagnostics).toEqual([]);
    const calls = sent.filter((request) => request.method === 'tools/call');
    expect(calls.map((request) => request.outcome)).toEqual(['ok', 'tool_error']);
    for (const request of calls) {
      // The CLIENT span is not recorded, yet it has ids and they go to the server, unsampled.
      const ids = request.trace!;
      expect(requestSpan(request)?.isRecording()).toBe(false);
      expect([ids.traceId, ids.traceFlags]).toEqual([traceId, TraceFlags.NONE]);
      const answered = handled.find((each) => each.id === request.id)!;
      expect(answered.meta?.traceparent).toBe(`00-${traceId}-${ids.spanId}-00`);
      expect([answered.trace?.traceId, answered.trace?.traceFlags]).toEqual([traceId, TraceFlags.NONE]);
      expect(requestSpan(answered)?.isRecording()).toBe(false);
    }
  });

  it('a tenant from _meta reaches the span through requestHook', async () => {
    const server = observe(createExampleServer({ sdk })).use(
      tracing({ requestHook: (span, request) => span.setAttribute('tenant.id', tenantOf(request)) }),
    );
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    await request(client.raw as AnyClient, 'tools/call', {
      name: 'echo',
      arguments: { text: 'hi' },
      _meta: { tenant: 'acme' },
    });
    await waitFor(() => otel.named('tools/call echo').length === 1, 'the span');
    expect(otel.one('tools/call echo', SpanKind.SERVER).attributes['tenant.id']).toBe('acme');
  });
});
