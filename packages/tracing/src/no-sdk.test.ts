import { observe, type RequestFacts } from '@mcpscope/core';
import { connectInMemory, connectRaw, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { addTracingTools } from '../test/tools.js';
import { instrumentClient, requestSpan, tracing } from './index.js';

// No OpenTelemetry SDK is registered in this file: the API is a no-op and the plugin must stay out of the way.
describe.each(SDK_VERSIONS)('without an SDK, SDK %s', (sdk) => {
  it('serves every call, keeps no span, never serializes payloads, leaves messages unchanged', async () => {
    const redactions: unknown[] = [];
    const ended: RequestFacts[] = [];
    const server = observe(addTracingTools(createExampleServer({ sdk }), sdk)).use(
      tracing({
        recordToolArguments: true,
        recordToolResults: true,
        notificationSpans: true,
        redactToolPayload: (payload) => redactions.push(payload),
      }),
      { name: 'facts', onRequestEnd: (request) => void ended.push(request) },
    );
    const client = await connectInMemory(server, sdk);
    instrumentClient(client.raw, {
      recordToolArguments: true,
      redactToolPayload: (payload) => redactions.push(payload),
    });
    expect((await client.callTool('echo', { text: 'hi' })).isError).toBeUndefined();
    expect((await client.callTool('fail')).isError).toBe(true);
    const traced = await client.callTool('traced');
    expect((traced.content as { text: string }[])[0]?.text).toBe('00000000000000000000000000000000');
    await client.callTool('ping_client');
    await waitFor(() => ended.length === 5, 'five requests to end');
    expect(redactions).toEqual([]);
    for (const request of ended) {
      expect(requestSpan(request)).toBeUndefined();
      expect(request.meta?.traceparent).toBeUndefined();
    }
    expect(trace.getActiveSpan()).toBeUndefined();
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
