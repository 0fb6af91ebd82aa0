import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { trace } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { count, type SentryReceiver, startSentryReceiver } from '../test/sentry-receiver.js';
import { tracing } from './index.js';

// Sentry as the OpenTelemetry SDK (`enableOpenTelemetrySetup: true`): Sentry's tracer provider is the
// global one, so mcpscope's spans would reach Sentry next to the spans of Sentry's MCP instrumentation.
let receiver: SentryReceiver;
const stderr = vi.spyOn(process.stderr, 'write');

beforeAll(async () => {
  receiver = await startSentryReceiver();
  Sentry.init({
    dsn: receiver.dsn,
    tracesSampleRate: 1,
    traceLifecycle: 'static',
    enableOpenTelemetrySetup: true,
    defaultIntegrations: false,
    enableRuntimeChannelInjection: false,
    sendClientReports: false,
  });
});
afterAll(async () => {
  stderr.mockRestore();
  await Sentry.close(2000);
  await receiver.close();
});

const CALLS = 3;

async function drive(
  server: Parameters<typeof connectInMemory>[0],
  sdk: 'v1' | 'v2',
  tool: string,
): Promise<void> {
  const client = await connectInMemory(server, sdk);
  for (let call = 0; call < CALLS; call++) await client.callTool(tool, { text: 'hi', a: 1, b: 2 });
  await client.close();
}

describe.each(SDK_VERSIONS)('Sentry as the OpenTelemetry SDK, SDK %s', (sdk) => {
  it('Sentry’s tracer provider is the global one', () => {
    expect(trace.getTracerProvider().constructor.name).toBe('ProxyTracerProvider');
    expect(
      (trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate().constructor.name,
    ).toBe('SentryTracerProvider');
  });

  it('auto: no duplicate server span; both: two; no Sentry wrapping: mcpscope’s only', async () => {
    receiver.items.length = 0;
    stderr.mockClear();
    // Sentry wraps and mcpscope defers (default 'auto').
    await drive(
      observe(Sentry.wrapMcpServerWithSentry(createExampleServer({ sdk }))).use(tracing()),
      sdk,
      'echo',
    );
    // Sentry wraps and mcpscope is told to trace anyway.
    await drive(
      observe(Sentry.wrapMcpServerWithSentry(createExampleServer({ sdk }))).use(tracing({ sentry: 'trace' })),
      sdk,
      'add',
    );
    // No Sentry MCP instrumentation: mcpscope's spans are the only ones.
    await drive(observe(createExampleServer({ sdk })).use(tracing()), sdk, 'soft_fail');
    await Sentry.flush(2000);
    await waitFor(() => count(receiver.spanNames(), 'tools/call soft_fail') === CALLS, 'the spans to arrive');
    const names = receiver.spanNames();
    expect(count(names, 'tools/call echo')).toBe(CALLS);
    expect(count(names, 'tools/call add')).toBe(2 * CALLS);
    expect(count(names, 'tools/call soft_fail')).toBe(CALLS);
    const notices = stderr.mock.calls.filter(([text]) => String(text).includes('Sentry already records'));
    expect(notices).toHaveLength(1);
  });
});
