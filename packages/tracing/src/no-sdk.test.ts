import { observe, type RequestFacts } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { addTracingTools } from '../test/tools.js';
import { instrumentClient, requestSpan, tracing } from './index.js';

// No OpenTelemetry SDK is registered in this file: the API is a no-op and the plugin must stay out of the way.
describe.each(SDK_VERSIONS)('without an SDK, SDK %s', (sdk) => {
  it('serves every call, records nothing, never serializes payloads, leaves messages unchanged', async () => {
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
      expect(requestSpan(request)?.isRecording()).toBe(false);
      expect(request.meta?.traceparent).toBeUndefined();
    }
    expect(trace.getActiveSpan()).toBeUndefined();
    await client.close();
  });
});
