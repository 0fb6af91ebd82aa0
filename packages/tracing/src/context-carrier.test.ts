/**
 * Tracing is core's context carrier: each request's dispatch enters one `context.with`, holding the
 * SERVER span, core's request (`currentRequest()`) and the values plugins set; core's own
 * AsyncLocalStorage stays unused.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { currentRequest, type McpscopePlugin, observe, type RequestFacts } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerTestOtel } from '../test/otel.js';
import { type TracingOptions, tracing } from './index.js';

const otel = registerTestOtel();
afterEach(() => {
  otel.reset();
  vi.restoreAllMocks();
});

/** Core's own AsyncLocalStorage, under its versioned global symbol (see core's shared-state.ts). */
const coreStorage = (globalThis as Record<symbol, { requestStorage: AsyncLocalStorage<RequestFacts> }>)[
  Symbol.for('mcpscope.core.shared-state.v2')
]!.requestStorage;

/** Sentry's key for "fork the isolation scope here", as @sentry/opentelemetry reads it. */
const SENTRY_FORK = Symbol.for('sentry_fork_isolation_scope');

interface Seen {
  readonly current: RequestFacts | undefined;
  readonly activeSpanId: string | undefined;
  readonly coreStore: RequestFacts | undefined;
  readonly forked: unknown;
}

async function inspect(sdk: 'v1' | 'v2', options?: TracingOptions) {
  const seen: Seen[] = [];
  const started: RequestFacts[] = [];
  const server = createExampleServer({ sdk });
  (server as unknown as { registerTool: (...args: unknown[]) => void }).registerTool(
    'inspect',
    { description: 'Looks at its context' },
    async () => {
      await Promise.resolve(); // after an await, still in the request's context
      seen.push({
        current: currentRequest(),
        activeSpanId: trace.getActiveSpan()?.spanContext().spanId,
        coreStore: coreStorage.getStore(),
        forked: context.active().getValue(SENTRY_FORK),
      });
      return { content: [] };
    },
  );
  const forker: McpscopePlugin = {
    name: 'forker',
    requestContext: true,
    onRequestStart: (request) => {
      started.push(request);
      request.setContextValue(SENTRY_FORK, true);
    },
  };
  const client = await connectInMemory(observe(server).use(tracing(options), forker), sdk);
  return { client, seen, started };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('one context.with per request: the SERVER span, currentRequest() and the plugins’ values; core’s own storage unused', async () => {
    const withCalls = vi.spyOn(AsyncLocalStorageContextManager.prototype, 'with');
    const coreRuns = vi.spyOn(coreStorage, 'run');
    // A processor that keeps spans without entering a context of its own (SimpleSpanProcessor would).
    const ended: ReadableSpan[] = [];
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [
        {
          onStart: () => undefined,
          onEnd: (span) => void ended.push(span),
          forceFlush: async () => undefined,
          shutdown: async () => undefined,
        },
      ],
    });
    const { client, seen, started } = await inspect(sdk, { tracerProvider });
    withCalls.mockClear();
    await client.callTool('inspect');
    expect(withCalls).toHaveBeenCalledTimes(1);
    expect(coreRuns).toHaveBeenCalledTimes(0);
    const span = ended.find((candidate) => candidate.name === 'tools/call inspect')!;
    expect(span.kind).toBe(SpanKind.SERVER);
    const call = started.find((request) => request.method === 'tools/call');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({
      current: call,
      activeSpanId: span.spanContext().spanId,
      coreStore: undefined,
      forked: true,
    });
    expect(currentRequest()).toBeUndefined();
    await client.close();
  });

  it('an ignored request has no span, and is still carried in the ambient context', async () => {
    const coreRuns = vi.spyOn(coreStorage, 'run');
    const { client, seen } = await inspect(sdk, { ignore: (request) => request.method === 'tools/call' });
    await client.callTool('inspect');
    expect(otel.named('tools/call inspect')).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.current?.target).toBe('inspect');
    expect(seen[0]?.activeSpanId).toBeUndefined();
    expect(seen[0]?.forked).toBe(true);
    expect(coreRuns).toHaveBeenCalledTimes(0);
    await client.close();
  });
});
