/**
 * Next to Sentry's own MCP instrumentation (`wrapMcpServerWithSentry`, tracing on): every error is
 * reported exactly once, whichever side catches it first, and carries this plugin's tags and Sentry's
 * MCP span as its trace. Dedupe is off so a double report cannot hide.
 */

import { endpointFacts, observe } from '@mcpscope/core';
import {
  connectInMemoryPair,
  createExampleServer,
  type ExampleServer,
  exceptionOf,
  PROMPT_FAILURE_MESSAGE,
  RESOURCE_FAILURE_MESSAGE,
  SDK_VERSIONS,
  type SdkVersion,
  type SentryEvent,
  type SentryReceiver,
  startSentryReceiver,
  TOOL_FAILURE_MESSAGE,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addTool, failInFallbackHandler } from '../test/extra-tools.js';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { MECHANISM_TYPE, type SentryOptions, sentry } from './index.js';

const SENTRY_MCP_MECHANISM = 'auto.ai.mcp_server';
const LATE_FAILURE_MESSAGE = 'a tool registered after wrapping failed';

let receiver: SentryReceiver;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  receiver = await startSentryReceiver();
  initSentryEveryEvent(receiver.dsn, { tracesSampleRate: 1 });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  await Sentry.flush(5_000);
  receiver.clear();
});

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
});

type Order = 'wrapped, then observed' | 'observed, then wrapped';

/** The example server (its tools registered before wrapping) plus one tool registered after. */
function buildServer(sdk: SdkVersion, order: Order, options?: SentryOptions): ExampleServer {
  const server = createExampleServer({ sdk });
  // The SDK modules were loaded before Sentry.init: no automatic instrumentation here.
  expect('__sentry_original__' in server.connect).toBe(false);
  if (order === 'wrapped, then observed') {
    observe(Sentry.wrapMcpServerWithSentry(server)).use(sentry(options));
  } else {
    observe(server).use(sentry(options));
    Sentry.wrapMcpServerWithSentry(server);
  }
  expect('__sentry_original__' in server.connect).toBe(true);
  addTool(server, 'late_fail', async () => {
    throw new Error(LATE_FAILURE_MESSAGE);
  });
  return server;
}

async function connect(server: ExampleServer, sdk: SdkVersion) {
  const { client, serverSide } = await connectInMemoryPair(server, sdk);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return { client, serverSide };
}

async function settle(server: ExampleServer): Promise<SentryEvent[]> {
  await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
  expect(await Sentry.flush(5_000)).toBe(true);
  return receiver.events();
}

function transactionOf(event: SentryEvent): unknown {
  const envelope = receiver.envelopes.find((candidate) =>
    candidate.items.some((item) => (item.payload as SentryEvent | undefined)?.event_id === event.event_id),
  );
  return (envelope?.header.trace as { transaction?: unknown } | undefined)?.transaction;
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it.each<Order>(['wrapped, then observed', 'observed, then wrapped'])(
    '%s: one event per error, with mcpscope tags and the MCP span as trace',
    async (order) => {
      const server = buildServer(sdk, order);
      const { client } = await connect(server, sdk);
      await client.callTool('echo', { text: 'fine' });
      expect((await client.callTool('fail')).isError).toBe(true);
      expect((await client.callTool('late_fail')).isError).toBe(true);
      await expect(client.getPrompt('broken')).rejects.toThrow(PROMPT_FAILURE_MESSAGE);
      await expect(client.readResource('broken://resource')).rejects.toThrow(RESOURCE_FAILURE_MESSAGE);
      await expect(client.request('foo/bar', {})).rejects.toThrow();
      expect((await client.callTool('soft_fail')).isError).toBe(true);

      const events = await settle(server);
      const values = events.map((event) => exceptionOf(event)?.value).sort();
      expect(values).toEqual(
        [TOOL_FAILURE_MESSAGE, LATE_FAILURE_MESSAGE, PROMPT_FAILURE_MESSAGE, RESOURCE_FAILURE_MESSAGE].sort(),
      );
      for (const event of events) {
        expect([MECHANISM_TYPE, SENTRY_MCP_MECHANISM]).toContain(exceptionOf(event)?.mechanism?.type);
        expect(event.tags).toMatchObject({ 'mcp.transport': 'in-memory', 'mcp.client.name': 'test-client' });
        expect(event.contexts?.trace?.span_id).toMatch(/^[0-9a-f]{16}$/);
      }
      const byValue = (value: string) => events.find((event) => exceptionOf(event)?.value === value)!;
      // Sentry wraps tools registered after the wrap; it reports them itself, and this plugin stays out.
      expect(exceptionOf(byValue(LATE_FAILURE_MESSAGE))?.mechanism?.type).toBe(SENTRY_MCP_MECHANISM);
      expect(byValue(LATE_FAILURE_MESSAGE).tags).toMatchObject({
        'gen_ai.tool.name': 'late_fail',
        'error.type': 'tool_error',
        'mcp.tool.error_reason': 'handler_threw',
      });
      expect(byValue(LATE_FAILURE_MESSAGE).fingerprint).toEqual([
        'mcp',
        'tools/call',
        'late_fail',
        'tool_error',
        'Error',
      ]);
      // SDK 1.x keeps tools registered before the wrap where Sentry does not look: this plugin reports them.
      expect(exceptionOf(byValue(TOOL_FAILURE_MESSAGE))?.mechanism?.type).toBe(
        sdk === 'v1' ? MECHANISM_TYPE : SENTRY_MCP_MECHANISM,
      );
      expect(byValue(PROMPT_FAILURE_MESSAGE).tags).toMatchObject({
        'gen_ai.prompt.name': 'broken',
        'error.type': '-32603',
      });
      expect(byValue(PROMPT_FAILURE_MESSAGE).fingerprint).toEqual([
        'mcp',
        'prompts/get',
        'broken',
        '-32603',
        'Error',
      ]);
      expect(transactionOf(byValue(TOOL_FAILURE_MESSAGE))).toBe('tools/call fail');
      expect(transactionOf(byValue(LATE_FAILURE_MESSAGE))).toBe('tools/call late_fail');
      expect(transactionOf(byValue(PROMPT_FAILURE_MESSAGE))).toBe('prompts/get broken');
    },
  );

  it('reports a transport error once', async () => {
    const server = buildServer(sdk, 'wrapped, then observed');
    const { serverSide } = await connect(server, sdk);
    serverSide.onerror?.(new Error('the transport broke'));
    const events = await settle(server);
    expect(events.map((event) => exceptionOf(event)?.value)).toEqual(['the transport broke']);
  });

  it.each<Order>(['wrapped, then observed', 'observed, then wrapped'])(
    '%s: a JSON-RPC server error without an original error is reported once, by Sentry',
    async (order) => {
      const server = buildServer(sdk, order);
      failInFallbackHandler(server, 'the fallback handler broke');
      const { client } = await connect(server, sdk);
      await expect(client.request('custom/thing', {})).rejects.toThrow('the fallback handler broke');
      const events = await settle(server);
      expect(events.map((event) => exceptionOf(event)?.mechanism?.type)).toEqual([SENTRY_MCP_MECHANISM]);
      expect(events[0]?.tags).toMatchObject({ 'mcp.method.name': 'custom/thing', 'error.type': '-32603' });
    },
  );

  it('reports isError results once when asked to (Sentry does not report them)', async () => {
    const server = buildServer(sdk, 'observed, then wrapped', { toolErrors: 'exception' });
    const { client } = await connect(server, sdk);
    expect((await client.callTool('soft_fail')).isError).toBe(true);
    const events = await settle(server);
    expect(events.map((event) => exceptionOf(event)?.type)).toEqual(['McpToolError']);
  });
});
