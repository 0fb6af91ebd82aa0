/**
 * Transport errors the client caused (malformed JSON, a request before `initialize`, a body that is no
 * JSON-RPC message) are never Sentry errors by default: 200 junk POSTs to a real Streamable HTTP server
 * give zero events, so no client can use up a Sentry quota. A failure of the server's side still gives
 * one event; `captureClientErrors` turns client mistakes into warnings.
 */
import { endpointFacts, type McpscopePlugin, observe, type TransportErrorFacts } from '@mcpscope/core';
import {
  createExampleServer,
  type ExampleServer,
  exceptionOf,
  SDK_VERSIONS,
  type SdkVersion,
  type SentryReceiver,
  startHttpServer,
  startSentryReceiver,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { MECHANISM_TYPE, type SentryOptions, sentry } from './index.js';

const JUNK_POSTS = 200;
/** Bodies (and content types) a hostile or broken client sends without a session. */
const JUNK: readonly { body: string; contentType: string }[] = [
  { body: '{"jsonrpc":', contentType: 'application/json' },
  { body: '', contentType: 'application/json' },
  { body: '{"not":"a message"}', contentType: 'application/json' },
  {
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}',
    contentType: 'application/json',
  },
  { body: 'hello', contentType: 'text/plain' },
];

let receiver: SentryReceiver;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  receiver = await startSentryReceiver();
  initSentryEveryEvent(receiver.dsn);
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  receiver.clear();
});

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
});

/** Counts the transport errors core reported, by side (the positive control: they did happen). */
function transportErrorCounter(): McpscopePlugin & { readonly sides: Record<string, number> } {
  const sides: Record<string, number> = {};
  return {
    name: 'transport-error-counter',
    sides,
    onTransportError: ({ side }: TransportErrorFacts) => {
      sides[side] = (sides[side] ?? 0) + 1;
    },
  };
}

async function junkServer(sdk: SdkVersion, options?: SentryOptions) {
  const plugin = sentry(options);
  const counter = transportErrorCounter();
  const servers: ExampleServer[] = [];
  const http = await startHttpServer({
    sdk,
    mode: 'stateful',
    createServer: () => {
      const server = observe(createExampleServer({ sdk })).use(counter, plugin);
      servers.push(server);
      return server;
    },
  });
  cleanups.push(() => http.close());
  const postJunk = async (count: number) => {
    for (let index = 0; index < count; index++) {
      const { body, contentType } = JUNK[index % JUNK.length]!;
      const response = await fetch(http.url, {
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'application/json, text/event-stream' },
        body,
      });
      expect(response.ok).toBe(false);
      await response.arrayBuffer();
    }
    await waitFor(() => servers.every((server) => endpointFacts(server)?.inFlight === 0), 'requests to end');
    expect(await Sentry.flush(5_000)).toBe(true);
  };
  return { counter, servers, postJunk };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it(`${JUNK_POSTS} junk POSTs give zero Sentry events (the transport did report them, as the client's)`, async () => {
    const { counter, postJunk } = await junkServer(sdk);
    await postJunk(JUNK_POSTS);
    // One transport error per junk POST, each the client's.
    expect(counter.sides).toEqual({ client: JUNK_POSTS });
    expect(receiver.envelopes).toEqual([]);
  });

  it('with captureClientErrors, the same junk is reported as warnings', async () => {
    const { counter, postJunk } = await junkServer(sdk, { captureClientErrors: true });
    await postJunk(JUNK.length);
    expect(counter.sides).toEqual({ client: JUNK.length });
    const events = receiver.events();
    expect(events).toHaveLength(JUNK.length);
    for (const event of events) {
      expect(event.level).toBe('warning');
      expect(exceptionOf(event)?.mechanism).toMatchObject({
        type: MECHANISM_TYPE,
        handled: true,
        data: { error_type: 'client_transport' },
      });
    }
  });

  it('a failure of the server side of the transport still gives one event', async () => {
    const { postJunk, servers } = await junkServer(sdk);
    await postJunk(JUNK.length);
    const transport = (
      servers[0] as unknown as { server: { transport?: { onerror?: (error: Error) => void } } }
    ).server.transport;
    transport?.onerror?.(new Error('write EPIPE'));
    expect(await Sentry.flush(5_000)).toBe(true);
    const events = receiver.events();
    expect(events).toHaveLength(1);
    expect(exceptionOf(events[0]!)).toMatchObject({
      value: 'write EPIPE',
      mechanism: { type: MECHANISM_TYPE, handled: false, data: { error_type: 'transport' } },
    });
    expect(events[0]?.level).toBe('error');
    expect(events[0]?.tags).toMatchObject({ 'mcp.transport': 'streamable-http', 'network.transport': 'tcp' });
  });
});
