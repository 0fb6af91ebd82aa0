import { type Diagnostic, observe } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SentryReceiver,
  startSentryReceiver,
  waitFor,
} from '@mcpscope/test-kit';
import { trace } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACING_DIAGNOSTIC_CODES, tracing } from './index.js';

// Sentry as the OpenTelemetry SDK (`enableOpenTelemetrySetup: true`): Sentry's tracer provider is the
// global one, so mcpscope's spans would reach Sentry next to the spans of Sentry's MCP instrumentation.
let receiver: SentryReceiver;
const diagnostics: Diagnostic[] = [];
const onDiagnostic = (diagnostic: Diagnostic) => void diagnostics.push(diagnostic);
const count = (names: readonly string[], name: string) => names.filter((each) => each === name).length;

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
    receiver.clear();
    diagnostics.length = 0;
    // Sentry wraps and mcpscope defers (default 'auto').
    await drive(
      observe(Sentry.wrapMcpServerWithSentry(createExampleServer({ sdk })), { onDiagnostic }).use(tracing()),
      sdk,
      'echo',
    );
    // Sentry wraps and mcpscope is told to trace anyway.
    await drive(
      observe(Sentry.wrapMcpServerWithSentry(createExampleServer({ sdk })), { onDiagnostic }).use(
        tracing({ sentry: 'trace' }),
      ),
      sdk,
      'add',
    );
    // No Sentry MCP instrumentation: mcpscope's spans are the only ones.
    await drive(observe(createExampleServer({ sdk }), { onDiagnostic }).use(tracing()), sdk, 'soft_fail');
    await Sentry.flush(2000);
    await waitFor(() => count(receiver.spanNames(), 'tools/call soft_fail') === CALLS, 'the spans to arrive');
    const names = receiver.spanNames();
    expect(count(names, 'tools/call echo')).toBe(CALLS);
    expect(count(names, 'tools/call add')).toBe(2 * CALLS);
    expect(count(names, 'tools/call soft_fail')).toBe(CALLS);
    // The deferring server said so once, through the diagnostics channel; the others said nothing.
    expect(diagnostics.map(({ code }) => code)).toEqual([TRACING_DIAGNOSTIC_CODES.defersToSentry]);
    expect(diagnostics[0]?.message).toContain('its MCP instrumentation and tracer provider are active');
  });
});
