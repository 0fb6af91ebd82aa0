import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { SpanKind } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerTestOtel } from '../test/otel.js';
import { count, type SentryReceiver, startSentryReceiver } from '../test/sentry-receiver.js';
import { tracing } from './index.js';

// Sentry's default setup (v11): its MCP spans are Sentry spans sent to Sentry; the application's own
// OpenTelemetry SDK gets mcpscope's spans. Two pipelines, one server span per request in each.
const otel = registerTestOtel();
let receiver: SentryReceiver;

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
      receiver.items.length = 0;
      const stderr = vi.spyOn(process.stderr, 'write');
      const created = createExampleServer({ sdk });
      const server =
        order === 'wrapped before observe'
          ? observe(Sentry.wrapMcpServerWithSentry(created)).use(tracing())
          : Sentry.wrapMcpServerWithSentry(observe(created).use(tracing()));
      expect((server.connect as { __sentry_original__?: unknown }).__sentry_original__).toBeDefined();
      const client = await connectInMemory(server, sdk);
      for (let call = 0; call < 3; call++) await client.callTool('echo', { text: 'hi' });
      await client.close();
      await Sentry.flush(2000);
      await waitFor(() => count(receiver.spanNames(), 'tools/call echo') === 3, 'three Sentry spans');
      expect(count(receiver.spanNames(), 'tools/call echo')).toBe(3);
      expect(otel.named('tools/call echo', SpanKind.SERVER)).toHaveLength(3);
      expect(stderr.mock.calls.some(([text]) => String(text).includes('Sentry'))).toBe(false);
      stderr.mockRestore();
    },
  );
});
