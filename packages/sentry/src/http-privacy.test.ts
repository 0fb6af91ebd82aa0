/**
 * Over real Streamable HTTP with Sentry's default integrations (the Http integration puts the incoming
 * request, body included, on the isolation scope): the tool's arguments never reach Sentry, not in
 * `request.data` either, nor a secret query parameter; with `recordArguments` the body appears redacted
 * by core's rule and capped.
 */
import { endpointFacts, observe } from '@mcpscope/core';
import {
  connectHttp,
  createExampleServer,
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
import { type SentryOptions, sentry } from './index.js';

const PASSWORD = 'hunter2-http-secret';
const USER = 'alice-http-user';
const QUERY_KEY = 'query-key-0451';
let receiver: SentryReceiver;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  receiver = await startSentryReceiver();
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  receiver.clear();
});

afterAll(() => receiver.close());

/**
 * `Sentry.init`'s defaults: the Http integration (incoming request and body on the isolation scope),
 * RequestData, request bodies collected. The envelope endpoint runs in this process, so its own requests
 * are kept out of Sentry's HTTP spans (each envelope would otherwise produce the next one).
 */
function initSentry(tracesSampleRate: number | undefined): void {
  initSentryEveryEvent(receiver.dsn, {
    ...(tracesSampleRate === undefined ? {} : { tracesSampleRate }),
    integrations: (defaults) => [
      ...defaults.filter(({ name }) => name !== 'Dedupe' && name !== 'Http'),
      Sentry.httpIntegration({ ignoreIncomingRequests: (path) => path.startsWith('/api/') }),
    ],
  });
}

/** One failing tools/call with a password argument, over HTTP, with a secret in the query string. */
async function failingCallOverHttp(sdk: SdkVersion, options?: SentryOptions) {
  const plugin = sentry(options);
  const servers: ReturnType<typeof createExampleServer>[] = [];
  const http = await startHttpServer({
    sdk,
    mode: 'stateful',
    createServer: () => {
      const server = observe(createExampleServer({ sdk })).use(plugin);
      servers.push(server);
      return server;
    },
  });
  cleanups.push(() => http.close());
  const url = new URL(http.url);
  url.searchParams.set('api_key', QUERY_KEY);
  url.searchParams.set('page', '2');
  const client = await connectHttp(sdk, url);
  cleanups.push(() => client.close());
  expect((await client.callTool('fail', { user: USER, password: PASSWORD })).isError).toBe(true);
  await waitFor(() => servers.every((server) => endpointFacts(server)?.inFlight === 0), 'requests to end');
  await waitFor(() => receiver.events().length === 1, 'the event');
  expect(await Sentry.flush(5_000)).toBe(true);
  return receiver.events()[0]!;
}

describe.each([
  ['as the examples set it up (no tracing)', undefined],
  ['with tracing (tracesSampleRate: 1)', 1],
] as const)('Sentry.init %s', (_, tracesSampleRate) => {
  beforeAll(() => initSentry(tracesSampleRate));
  afterAll(() => Sentry.close(2_000));

  describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
    it('by default: no request body, no argument and no secret query value anywhere in the envelopes', async () => {
      const event = await failingCallOverHttp(sdk);
      // Sentry's Http integration did attach the request to the event...
      expect(event.request?.method).toBe('POST');
      expect(event.request?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp\?api_key=\[REDACTED\]&page=2$/);
      // ...but neither its body nor anything secret in it.
      expect(event.request).not.toHaveProperty('data');
      expect(event.request).not.toHaveProperty('cookies');
      expect(event.tags).toMatchObject({ 'gen_ai.tool.name': 'fail', 'mcp.transport': 'streamable-http' });
      for (const secret of [PASSWORD, USER, QUERY_KEY]) expect(receiver.rawText()).not.toContain(secret);
      // With tracing, Sentry's HTTP spans went out too (their bodies follow the same rule).
      expect(receiver.rawText().includes('"http.server"')).toBe(tracesSampleRate !== undefined);
    });

    it('with recordArguments: the body is recorded, redacted by core rule and capped; the password still nowhere', async () => {
      const event = await failingCallOverHttp(sdk, { recordArguments: true, maxPayloadLength: 1_000 });
      const data = JSON.parse(event.request?.data as string) as {
        method?: string;
        params?: { name?: string; arguments?: Record<string, unknown> };
      };
      expect(data.method).toBe('tools/call');
      expect(data.params?.name).toBe('fail');
      expect(data.params?.arguments).toEqual({ user: USER, password: '[REDACTED]' });
      expect(event.contexts?.mcp_request?.['gen_ai.tool.call.arguments']).toBe(
        `{"user":"${USER}","password":"[REDACTED]"}`,
      );
      for (const secret of [PASSWORD, QUERY_KEY]) expect(receiver.rawText()).not.toContain(secret);
    });
  });
});
