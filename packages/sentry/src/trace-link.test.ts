/**
 * With the real @mcpscope/tracing plugin on a real OpenTelemetry SDK, and Sentry in its default mode
 * (its own async context, not OpenTelemetry's), an event joins the trace of the SERVER span that records
 * its request: `contexts.trace.trace_id` is that span's trace id, `parent_span_id` its span id.
 */
import { endpointFacts, type McpscopePlugin, observe } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  exceptionOf,
  SDK_VERSIONS,
  type SentryReceiver,
  startSentryReceiver,
  TOOL_FAILURE_MESSAGE,
  waitFor,
} from '@mcpscope/test-kit';
import { tracing } from '@mcpscope/tracing';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addTool } from '../test/extra-tools.js';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { type OpenTelemetrySdk, startOpenTelemetry } from '../test/open-telemetry.js';
import { sentry } from './index.js';

let receiver: SentryReceiver;
let otel: OpenTelemetrySdk;

beforeAll(async () => {
  otel = startOpenTelemetry();
  receiver = await startSentryReceiver();
  initSentryEveryEvent(receiver.dsn);
});

afterEach(() => {
  receiver.clear();
  otel.reset();
});

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
  await otel.shutdown();
});

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it.each(['tracing, then sentry', 'sentry, then tracing'])(
    "use(%s): the event's trace is the server span's",
    async (order) => {
      const tracingPlugin = tracing({ tracerProvider: otel.provider });
      const server = observe(createExampleServer({ sdk }));
      if (order === 'tracing, then sentry') server.use(tracingPlugin, sentry());
      else server.use(sentry(), tracingPlugin);
      const client = await connectInMemory(server, sdk);
      await client.callTool('echo', { text: 'first' });
      expect((await client.callTool('fail')).isError).toBe(true);
      await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
      expect(await Sentry.flush(5_000)).toBe(true);
      await client.close();
      await server.close();

      const events = receiver.events();
      expect(events).toHaveLength(1);
      expect(exceptionOf(events[0]!)?.value).toBe(TOOL_FAILURE_MESSAGE);
      const [failSpan] = otel.serverSpans('tools/call fail');
      const [echoSpan] = otel.serverSpans('tools/call echo');
      const { traceId, spanId } = failSpan!.spanContext();
      expect(events[0]?.contexts?.trace).toMatchObject({ trace_id: traceId, parent_span_id: spanId });
      expect(echoSpan!.spanContext().traceId).not.toBe(traceId);
      // The envelope's dynamic sampling context names the same trace.
      const envelope = receiver.envelopes.find((candidate) =>
        candidate.items.some(
          (item) => (item.payload as { event_id?: string }).event_id === events[0]!.event_id,
        ),
      );
      expect((envelope?.header.trace as { trace_id?: string } | undefined)?.trace_id).toBe(traceId);
    },
  );

  it('an event the handler captures itself joins the server span too', async () => {
    const server = observe(createExampleServer({ sdk }));
    (server as unknown as { registerTool: (...args: unknown[]) => void }).registerTool(
      'self_report',
      { description: 'Captures a message' },
      async () => {
        Sentry.captureMessage('reported by the handler');
        return { content: [{ type: 'text', text: 'ok' }] };
      },
    );
    server.use(tracing({ tracerProvider: otel.provider }), sentry());
    const client = await connectInMemory(server, sdk);
    await client.callTool('self_report');
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    expect(await Sentry.flush(5_000)).toBe(true);
    await client.close();
    await server.close();
    const events = receiver.events();
    expect(events).toHaveLength(1);
    const [span] = otel.serverSpans('tools/call self_report');
    expect(events[0]?.contexts?.trace).toMatchObject({
      trace_id: span!.spanContext().traceId,
      parent_span_id: span!.spanContext().spanId,
    });
    expect(events[0]?.tags).toMatchObject({ 'gen_ai.tool.name': 'self_report' });
  });

  it('request.trace (what a tracing plugin sets with setTrace) is the trace events join, own and handler-captured', async () => {
    const ids = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    const setsTrace: McpscopePlugin = {
      name: 'sets-trace',
      onRequestStart: (request) => request.setTrace(ids),
    };
    const server = observe(createExampleServer({ sdk }));
    addTool(server, 'self_report', async () => {
      Sentry.captureMessage('reported by the handler');
      return { content: [{ type: 'text', text: 'ok' }] };
    });
    server.use(setsTrace, sentry());
    const client = await connectInMemory(server, sdk);
    expect((await client.callTool('fail')).isError).toBe(true);
    await client.callTool('self_report');
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    expect(await Sentry.flush(5_000)).toBe(true);
    await client.close();
    await server.close();
    const events = receiver.events();
    expect(events.map((event) => event.tags?.['gen_ai.tool.name']).sort()).toEqual(['fail', 'self_report']);
    for (const event of events) {
      expect(event.contexts?.trace).toMatchObject({ trace_id: ids.traceId, parent_span_id: ids.spanId });
    }
  });
});
