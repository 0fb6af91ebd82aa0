import { currentRequest, observe, type RequestFacts } from '@mcpscope/core';
import { connectInMemory, connectRaw, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { addTracingTools } from '../test/tools.js';
import { requestSpan, tracing } from './index.js';

/** Core's own AsyncLocalStorage, under its versioned global symbol (see core's shared-state.ts). */
const coreStorage = (globalThis as Record<symbol, { requestStorage: { getStore(): unknown } }>)[
  Symbol.for('mcpscope.core.shared-state.v2')
]!.requestStorage;

// No OpenTelemetry SDK is registered in this file: the API is a no-op and the plugin must stay out of the way.
describe.each(SDK_VERSIONS)('without an SDK, SDK %s', (sdk) => {
  it('serves every call, keeps no span, calls no hook, leaves messages unchanged', async () => {
    const hookCalls: string[] = [];
    const ended: RequestFacts[] = [];
    const options = {
      recordArguments: true,
      recordResults: true,
      notificationSpans: true,
      requestHook: () => void hookCalls.push('requestHook'),
      responseHook: () => void hookCalls.push('responseHook'),
    };
    const server = observe(addTracingTools(createExampleServer({ sdk }), sdk)).use(tracing(options), {
      name: 'facts',
      onRequestEnd: (request) => void ended.push(request),
    });
    const client = await connectInMemory(server, sdk);
    observe(client.raw).use(tracing(options));
    expect((await client.callTool('echo', { text: 'hi' })).isError).toBeUndefined();
    expect((await client.callTool('fail')).isError).toBe(true);
    const traced = await client.callTool('traced');
    expect((traced.content as { text: string }[])[0]?.text).toBe('00000000000000000000000000000000');
    await client.callTool('ping_client');
    await waitFor(() => ended.length === 5, 'five requests to end');
    expect(hookCalls).toEqual([]);
    for (const request of ended) {
      expect(requestSpan(request)).toBeUndefined();
      expect(request.trace).toBeUndefined();
      expect(request.meta?.traceparent).toBeUndefined();
    }
    expect(trace.getActiveSpan()).toBeUndefined();
    await client.close();
  });

  it('without a context manager the carrier declines: core’s own context carries the request', async () => {
    const seen: { current: string | undefined; core: unknown }[] = [];
    const server = createExampleServer({ sdk });
    (server as unknown as { registerTool: (...args: unknown[]) => void }).registerTool(
      'inspect',
      { description: 'Looks at its context' },
      async () => {
        seen.push({ current: currentRequest()?.target, core: coreStorage.getStore() });
        return { content: [] };
      },
    );
    const client = await connectInMemory(
      observe(server).use(tracing(), { name: 'needs-context', requestContext: true }),
      sdk,
    );
    await client.callTool('inspect');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.current).toBe('inspect');
    expect((seen[0]?.core as RequestFacts | undefined)?.target).toBe('inspect');
    await client.close();
  });
});

describe('propagation without an SDK', () => {
  it('a remote parent in _meta still reaches the handler (W3C propagator registered, no provider)', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const server = observe(addTracingTools(createExampleServer({ sdk: 'v1' }), 'v1')).use(tracing());
    const raw = await connectRaw(server, 'v1');
    await raw.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'traced',
        arguments: {},
        _meta: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      },
    });
    await waitFor(() => raw.received.length === 1, 'the answer');
    const answer = raw.received[0] as { result: { content: { text: string }[] } };
    expect(answer.result.content[0]?.text).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    await raw.close();
  });
});
