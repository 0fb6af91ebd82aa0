/**
 * Per-request enrichment: `beforeCapture(scope, request)` runs once per event about to be sent (never
 * for requests that send nothing) and what it sets lands in the envelope; `recordUser` puts the verified
 * caller's client id in `user.id`, off by default; a hook that throws is reported once and the event is
 * sent as if it had returned.
 */
import { type Diagnostic, endpointFacts, observe, type RequestFacts } from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  type ExampleServer,
  exceptionOf,
  SDK_VERSIONS,
  type SdkVersion,
  type SentryReceiver,
  startHttpServer,
  startSentryReceiver,
  TOOL_FAILURE_MESSAGE,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addTool } from '../test/extra-tools.js';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { tenantTagging } from '../test/readme-examples.js';
import { SENTRY_DIAGNOSTIC_CODES, type SentryOptions, sentry } from './index.js';

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

const tenantOf = (request: RequestFacts) => String(request.meta?.tenant ?? 'none');

async function inMemory(sdk: SdkVersion, options: SentryOptions) {
  const diagnostics: Diagnostic[] = [];
  const server = observe(createExampleServer({ sdk }), {
    onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
  });
  addTool(server, 'self_report', async () => {
    Sentry.captureMessage('reported by the handler');
    return { content: [{ type: 'text', text: 'ok' }] };
  });
  server.use(sentry(options));
  const client = await connectInMemory(server, sdk);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  const settle = async () => {
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    expect(await Sentry.flush(5_000)).toBe(true);
    return receiver.events();
  };
  return { client, diagnostics, settle };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it("beforeCapture: once per event, with the request; its tag is in the envelope (the handler's own events too)", async () => {
    const seen: string[] = [];
    const { client, settle } = await inMemory(sdk, {
      beforeCapture: (scope, request) => {
        seen.push(`${request.method} ${request.target}`);
        scope.setTag('tenant', tenantOf(request));
      },
    });
    await client.callTool('echo', { text: 'fine' });
    await client.request('tools/call', { name: 'fail', arguments: {}, _meta: { tenant: 'acme' } });
    await client.request('tools/call', { name: 'self_report', arguments: {}, _meta: { tenant: 'globex' } });
    const events = await settle();
    expect(seen.sort()).toEqual(['tools/call fail', 'tools/call self_report']);
    expect(events.map((event) => `${event.tags?.['gen_ai.tool.name']} ${event.tags?.tenant}`).sort()).toEqual(
      ['fail acme', 'self_report globex'],
    );
  });

  it('beforeCapture runs once per event after the client went away and came back', async () => {
    const seen: string[] = [];
    const { client, settle } = await inMemory(sdk, {
      beforeCapture: (_scope, request) => {
        seen.push(`${request.method} ${request.target}`);
      },
    });
    expect((await client.callTool('fail')).isError).toBe(true);
    const sentryClient = Sentry.getClient()!;
    Sentry.getCurrentScope().setClient(undefined);
    try {
      expect((await client.callTool('echo', { text: 'away' })).content).toEqual([
        { type: 'text', text: 'away' },
      ]);
    } finally {
      Sentry.getCurrentScope().setClient(sentryClient);
    }
    expect((await client.callTool('fail')).isError).toBe(true);
    const events = await settle();
    expect(seen).toEqual(['tools/call fail', 'tools/call fail']);
    expect(events.map((event) => exceptionOf(event)?.value)).toEqual([
      TOOL_FAILURE_MESSAGE,
      TOOL_FAILURE_MESSAGE,
    ]);
  });

  it('a throwing beforeCapture is reported once; every event is still sent, as if it had returned', async () => {
    const { client, diagnostics, settle } = await inMemory(sdk, {
      beforeCapture: (scope) => {
        scope.setTag('before.throw', 'set');
        throw new Error('hook bug');
      },
    });
    for (let index = 0; index < 3; index++) expect((await client.callTool('fail')).isError).toBe(true);
    const events = await settle();
    expect(events.map((event) => exceptionOf(event)?.value)).toEqual([
      TOOL_FAILURE_MESSAGE,
      TOOL_FAILURE_MESSAGE,
      TOOL_FAILURE_MESSAGE,
    ]);
    for (const event of events) expect(event.tags).toMatchObject({ 'gen_ai.tool.name': 'fail' });
    expect(diagnostics).toEqual([
      {
        plugin: 'sentry',
        code: SENTRY_DIAGNOSTIC_CODES.hookFailed,
        hook: 'beforeCapture',
        message: 'beforeCapture threw; the event was sent as if it had returned',
        error: new Error('hook bug'),
      },
    ]);
  });

  it.each([
    ['off by default', {}, undefined],
    ['recordUser: true', { recordUser: true }, 'client-42'],
  ] as const)('the verified caller as user.id: %s', async (_, options, expected) => {
    const servers: ExampleServer[] = [];
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      authenticate: () => ({ token: 'secret-token-9931', clientId: 'client-42', scopes: ['tools'] }),
      createServer: () => {
        const server = observe(createExampleServer({ sdk })).use(sentry(options));
        servers.push(server);
        return server;
      },
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    expect((await client.callTool('fail')).isError).toBe(true);
    await waitFor(() => servers.every((server) => endpointFacts(server)?.inFlight === 0), 'requests to end');
    await waitFor(() => receiver.events().length === 1, 'the event');
    expect(await Sentry.flush(5_000)).toBe(true);
    expect(receiver.events()[0]?.user?.id).toBe(expected);
    expect(receiver.rawText()).not.toContain('secret-token-9931');
  });

  it('recordUser never overrides the user a handler set', async () => {
    const servers: ExampleServer[] = [];
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      authenticate: () => ({ token: 'secret-token-9931', clientId: 'client-42', scopes: [] }),
      createServer: () => {
        const server = observe(createExampleServer({ sdk }));
        addTool(server, 'as_user', async () => {
          Sentry.setUser({ id: 'handler-user' });
          throw new Error('failed as a user');
        });
        servers.push(server.use(sentry({ recordUser: true })));
        return server;
      },
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    expect((await client.callTool('as_user')).isError).toBe(true);
    await waitFor(() => receiver.events().length === 1, 'the event');
    expect(receiver.events()[0]?.user?.id).toBe('handler-user');
  });

  it("the README's example: the tenant from _meta as a tag, the caller as the user", async () => {
    const servers: ExampleServer[] = [];
    const plugin = tenantTagging();
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      authenticate: () => ({ token: 'secret-token-9931', clientId: 'client-7', scopes: [] }),
      createServer: () => {
        const server = observe(createExampleServer({ sdk })).use(plugin);
        servers.push(server);
        return server;
      },
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    await client.request('tools/call', { name: 'fail', arguments: {}, _meta: { tenant: 'initech' } });
    await waitFor(() => receiver.events().length === 1, 'the event');
    expect(receiver.events()[0]?.tags?.tenant).toBe('initech');
    expect(receiver.events()[0]?.user?.id).toBe('client-7');
  });
});
