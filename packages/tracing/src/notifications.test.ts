/**
 * Notifications about a request become events on its span: progress (current and total, when numbers)
 * and cancellation (the reason, when a string). Other notifications about a request are not events, and
 * notifications about no known request touch no span. With `notificationSpans`, each inbound
 * notification is a SERVER span of its own, parented on its `_meta` trace context; outbound ones are not.
 */
import { type Diagnostic, observe } from '@mcpscope/core';
import {
  connectRaw,
  createExampleServer,
  type ExampleServer,
  type RawConnection,
  SDK_VERSIONS,
  type SdkVersion,
  waitFor,
} from '@mcpscope/test-kit';
import type { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpServer as V2McpServer } from '@modelcontextprotocol/server';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { parentSpanIdOf, registerTestOtel } from '../test/otel.js';
import { type TracingOptions, tracing } from './index.js';

const otel = registerTestOtel();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  otel.reset();
});

const REMOTE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const REMOTE_SPAN_ID = '00f067aa0ba902b7';

type Notification = { method: string; params?: Record<string, unknown> };

/** What the `report` tool sends about its own request, whatever the request's progress token. */
function reports(progressToken: unknown): Notification[] {
  return [
    { method: 'notifications/progress', params: { progressToken, progress: 1 } },
    { method: 'notifications/progress', params: { progressToken, progress: 2, total: 4, message: 'half' } },
    { method: 'notifications/progress', params: { progressToken, progress: '3', total: 'four' } },
    // Malformed (no params), and about this request only through the SDK's related request id.
    { method: 'notifications/progress' },
    { method: 'notifications/cancelled' },
    { method: 'notifications/tools/list_changed' },
  ];
}

/** A tool that sends each of `reports(...)` about the request it handles. */
function addReportTool(server: ExampleServer, sdk: SdkVersion): ExampleServer {
  const done = { content: [{ type: 'text' as const, text: 'done' }] };
  if (sdk === 'v1') {
    (server as V1McpServer).registerTool('report', { description: 'Reports' }, async (extra) => {
      for (const notification of reports(extra._meta?.progressToken)) {
        await extra.sendNotification(notification as never);
      }
      return done;
    });
  } else {
    (server as V2McpServer).registerTool('report', { description: 'Reports' }, async (ctx) => {
      for (const notification of reports(ctx.mcpReq._meta?.progressToken)) {
        await ctx.mcpReq.notify(notification as never);
      }
      return done;
    });
  }
  return server;
}

/** Event names and attributes, exactly (an attribute set to undefined would show). */
function eventsOf(span: ReadableSpan): [string, Record<string, unknown>][] {
  return span.events.map((event) => [event.name, { ...event.attributes }]);
}

describe.each(SDK_VERSIONS)('notifications about requests, SDK %s', (sdk) => {
  async function open(options: TracingOptions = {}) {
    const diagnostics: Diagnostic[] = [];
    const server = observe(addReportTool(createExampleServer({ sdk }), sdk), {
      onDiagnostic: (diagnostic) => void diagnostics.push(diagnostic),
    }).use(tracing(options));
    const raw = await connectRaw(server, sdk);
    cleanups.push(() => raw.close());
    await raw.send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await waitFor(() => raw.received.length === 1, 'the initialize answer');
    await raw.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return { raw, diagnostics };
  }

  const answerTo = (raw: RawConnection, id: number) =>
    raw.received.some((message) => (message as { id?: unknown }).id === id);

  it('progress: numbers become the current and total attributes, anything else none; malformed ones are bare events; other notifications are no events', async () => {
    const { raw, diagnostics } = await open({ notificationSpans: true });
    await raw.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'report', arguments: {}, _meta: { progressToken: 'p-1' } },
    });
    await waitFor(() => otel.named('tools/call report').length === 1, 'the span');
    expect(eventsOf(otel.one('tools/call report', SpanKind.SERVER))).toStrictEqual([
      ['notifications/progress', { 'mcp.progress.current': 1 }],
      ['notifications/progress', { 'mcp.progress.current': 2, 'mcp.progress.total': 4 }],
      ['notifications/progress', {}],
      ['notifications/progress', {}],
      ['notifications/cancelled', {}],
    ]);
    // Notification spans are for inbound notifications only: what the tool sent is not one.
    expect(otel.spans().map((span) => span.name)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/call report',
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('cancellation: a reason that is not a string is no attribute; the event and the outcome stay', async () => {
    const { raw, diagnostics } = await open();
    for (const [id, reason] of [
      [1, undefined],
      [2, 42],
    ] as const) {
      await raw.send({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'slow', arguments: { ms: 30_000 } },
      });
      await raw.send({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: reason === undefined ? { requestId: id } : { requestId: id, reason },
      });
    }
    await waitFor(() => otel.named('tools/call slow').length === 2, 'both cancelled spans');
    for (const span of otel.named('tools/call slow')) {
      expect(span.attributes['mcp.request.outcome']).toBe('cancelled');
      expect(eventsOf(span)).toStrictEqual([['notifications/cancelled', {}]]);
    }
    expect(diagnostics).toEqual([]);
  });

  it('about no request in flight: no span touched, nothing fails, and the notification spans are recorded', async () => {
    const { raw, diagnostics } = await open({ notificationSpans: true });
    await raw.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'hi' } },
    });
    await waitFor(() => answerTo(raw, 1), 'the answer');
    // Too late (the call was answered), and about ids and tokens this server never saw.
    await raw.send({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 1, reason: 'late' },
    });
    await raw.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } });
    await raw.send({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 'nobody', progress: 1 },
    });
    // Messages are handled in order: once a later ping is answered, the notifications were seen.
    await raw.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    await waitFor(() => otel.named('ping').length === 1, 'the ping span');
    expect(otel.spans().map((span) => `${span.name} ${span.kind}`)).toEqual([
      `initialize ${SpanKind.SERVER}`,
      `notifications/initialized ${SpanKind.SERVER}`,
      `tools/call echo ${SpanKind.SERVER}`,
      `notifications/cancelled ${SpanKind.SERVER}`,
      `notifications/cancelled ${SpanKind.SERVER}`,
      `notifications/progress ${SpanKind.SERVER}`,
      `ping ${SpanKind.SERVER}`,
    ]);
    expect(otel.one('tools/call echo').events).toEqual([]);
    expect(otel.one('tools/call echo').attributes['mcp.request.outcome']).toBe('ok');
    expect(diagnostics).toEqual([]);
  });

  it('notification spans: the _meta trace context is the parent, as for requests', async () => {
    const { raw, diagnostics } = await open({ notificationSpans: true });
    const traceparent = `00-${REMOTE_TRACE_ID}-${REMOTE_SPAN_ID}-01`;
    // (Core hands plugins only notifications whose `_meta` is an object or absent, as the SDK accepts.)
    for (const params of [{ _meta: { traceparent } }, { _meta: { other: 'value' } }, undefined]) {
      await raw.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed', params });
    }
    await waitFor(() => otel.named('notifications/roots/list_changed').length === 3, 'three spans');
    const [remote, ...local] = otel.named('notifications/roots/list_changed', SpanKind.SERVER);
    expect(remote!.spanContext().traceId).toBe(REMOTE_TRACE_ID);
    expect(parentSpanIdOf(remote!)).toBe(REMOTE_SPAN_ID);
    expect(remote!.parentSpanContext?.isRemote).toBe(true);
    expect(local).toHaveLength(2);
    for (const span of local) {
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.spanContext().traceId).not.toBe(REMOTE_TRACE_ID);
    }
    for (const span of [remote!, ...local]) {
      expect({ ...span.attributes }).toEqual({
        'mcp.method.name': 'notifications/roots/list_changed',
        'mcp.protocol.version': '2025-06-18',
      });
    }
    expect(diagnostics).toEqual([]);
  });
});
