import { type Diagnostic, observe } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SentryReceiver,
  startSentryReceiver,
  waitFor,
} from '@mcpscope/test-kit';
import { SpanKind } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTestOtel } from '../test/otel.js';
import { TRACING_DIAGNOSTIC_CODES, tracing } from './index.js';

// Sentry's default setup (v11): its MCP spans are Sentry spans sent to Sentry; the application's own
// OpenTelemetry SDK gets mcpscope's spans. Two pipelines, one server span per request in each.
const otel = registerTestOtel();
let receiver: SentryReceiver;

const count = (names: readonly string[], name: string) => names.filter((each) => each === name).length;

beforeAll(async () => {
  receiver = await startSentryReceiver();
  Sentry.init({
    dsn: receiver.dsn,
    tracesSampleRate: 1,
    traceLifecycle: 'static',
    defaultIntegrations: false,
    enableRuntimeChannelInjection: false,
    sendClientReports: false,
  });
});
afterAll(async () => {
  await Sentry.close(2000);
  await receiver.close();
});

describe.each(SDK_VERSIONS)('Sentry MCP instrumentation in its default setup, SDK %s', (sdk) => {
  it.each(['wrapped before observe', 'wrapped after observe'])(
    'both record, each backend gets exactly one server span per request (%s)',
    async (order) => {
      otel.reset();
      receiver.clear();
      const diagnostics: Diagnostic[] = [];
      const onDiagnostic = (diagnostic: Diagnostic) => void diagnostics.push(diagnostic);
      const created = createExampleServer({ sdk });
      const server =
        order === 'wrapped before observe'
          ? observe(Sentry.wrapMcpServerWithSentry(created), { onDiagnostic }).use(tracing())
          : Sentry.wrapMcpServerWithSentry(observe(created, { onDiagnostic }).use(tracing()));
      expect((server.connect as { __sentry_original__?: unknown }).__sentry_original__).toBeDefined();
      const client = await connectInMemory(server, sdk);
      for (let call = 0; call < 3; call++) await client.callTool('echo', { text: 'hi' });
      await client.close();
      await Sentry.flush(2000);
      await waitFor(() => count(receiver.spanNames(), 'tools/call echo') === 3, 'three Sentry spans');
      expect(count(receiver.spanNames(), 'tools/call echo')).toBe(3);
      expect(otel.named('tools/call echo', SpanKind.SERVER)).toHaveLength(3);
      expect(diagnostics).toEqual([]);
    },
  );

  it("sentry: 'defer' records no server span where Sentry wraps the server, and says so once", async () => {
    otel.reset();
    receiver.clear();
    const diagnostics: Diagnostic[] = [];
    // Notification spans would be server spans of the deferred server too.
    const plugin = tracing({ sentry: 'defer', notificationSpans: true });
    for (let server = 0; server < 2; server++) {
      const observed = observe(Sentry.wrapMcpServerWithSentry(createExampleServer({ sdk })), {
        onDiagnostic: (diagnostic) => void diagnostics.push(diagnostic),
      }).use(plugin);
      const client = await connectInMemory(observed, sdk);
      for (let call = 0; call < 3; call++) await client.callTool('echo', { text: 'hi' });
      await client.close();
    }
    await Sentry.flush(2000);
    await waitFor(() => count(receiver.spanNames(), 'tools/call echo') === 6, 'six Sentry spans');
    expect(otel.named('tools/call echo')).toEqual([]);
    expect(otel.named('initialize')).toEqual([]);
    expect(otel.named('notifications/initialized')).toEqual([]);
    expect(otel.spans()).toEqual([]);
    expect(diagnostics.map(({ code, plugin: name }) => `${name} ${code}`)).toEqual([
      `tracing ${TRACING_DIAGNOSTIC_CODES.defersToSentry}`,
    ]);
    expect(diagnostics[0]?.message).toBe(
      "Sentry already records a span for each request of this server (sentry: 'defer'); " +
        "mcpscope records no server spans for it. Pass tracing({ sentry: 'trace' }) to record both.",
    );
  });
});
