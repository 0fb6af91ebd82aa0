import { currentRequest, type Diagnostic, observe, type RequestFacts } from '@mcpscope/core';
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
    const sent: RequestFacts[] = [];
    const diagnostics: Diagnostic[] = [];
    const onDiagnostic = (diagnostic: Diagnostic) => void diagnostics.push(diagnostic);
    const facts = {
      name: 'facts',
      onRequestEnd: (request: RequestFacts) => void ended.push(request),
      onOutboundRequestEnd: (request: RequestFacts) => void sent.push(request),
    };
    const options = {
      recordArguments: true,
      recordResults: true,
      notificationSpans: true,
      requestHook: () => void hookCalls.push('requestHook'),
      responseHook: () => void hookCalls.push('responseHook'),
    };
    const server = observe(addTracingTools(createExampleServer({ sdk }), sdk), { onDiagnostic }).use(
      tracing(options),
      facts,
    );
    const client = await connectInMemory(server, sdk);
    observe(client.raw, { onDiagnostic }).use(tracing(options), facts);
    expect((await client.callTool('echo', { text: 'hi' })).isError).toBeUndefined();
    expect((await client.callTool('fail')).isError).toBe(true);
    const traced = await client.callTool('traced');
    expect((traced.content as { text: string }[])[0]?.text).toBe('00000000000000000000000000000000');
    await client.callTool('ping_client');
    // Handled: the server's initialize and four calls, and the ping the client answered. Sent: the
    // client's four calls (observed after its initialize) and the server's ping.
    await waitFor(() => ended.length === 6, 'six handled requests to end');
    await waitFor(() => sent.length === 5, 'five sent requests to end');
    expect(hookCalls).toEqual([]);
    expect(ended.map((request) => request.method).sort()).toEqual([
      'initialize',
      'ping',
      'tools/call',
      'tools/call',
      'tools/call',
      'tools/call',
    ]);
    expect(sent.map((request) => request.method).sort()).toEqual([
      'ping',
      'tools/call',
      'tools/call',
      'tools/call',
      'tools/call',
    ]);
    for (const request of [...ended, ...sent]) {
      expect(requestSpan(request)).toBeUndefined();
      expect(request.trace).toBeUndefined();
      expect(request.meta?.traceparent).toBeUndefined();
    }
    expect(trace.getActiveSpan()).toBeUndefined();
    await client.close();
    // Closing flushes nothing (the no-op provider has no forceFlush) and fails nothing.
    await server.close();
    expect(diagnostics).toEqual([]);
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
