import type { IncomingMessage } from 'node:http';
import { observe, type RequestFacts } from '@mcpscope/core';
import {
  connectClient,
  connectHttp,
  createExampleServer,
  HandlerCalls,
  type HttpMode,
  type RunningHttpServer,
  type SdkVersion,
  startHttpServer,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import { StreamableHTTPClientTransport as V2ClientTransport } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport as V1ClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../test/manual-clock.js';
import { countOutcomes, echoCalls } from '../test/observed.js';
import { rateLimit } from './rate-limit.js';
import type { RateLimitOptions } from './types.js';

const MODES: Record<SdkVersion, readonly HttpMode[]> = {
  v1: ['stateful', 'stateless'],
  v2: ['stateful', 'stateless', 'handler'],
};

/** Plays a bearer-token middleware: `Bearer <name>` authenticates client id `<name>`. */
function authenticate(request: IncomingMessage) {
  const match = /^Bearer (\w+)$/.exec(request.headers.authorization ?? '');
  return match === null ? undefined : { token: `token-of-${match[1]}`, clientId: match[1]!, scopes: ['mcp'] };
}

function connectAs(sdk: SdkVersion, url: URL, principal: string): Promise<TestClient> {
  const requestInit = { headers: { authorization: `Bearer ${principal}` } };
  const transport =
    sdk === 'v1' ? new V1ClientTransport(url, { requestInit }) : new V2ClientTransport(url, { requestInit });
  return connectClient(sdk, transport);
}

for (const sdk of ['v1', 'v2'] as const) {
  describe.each(MODES[sdk])(`over Streamable HTTP, SDK ${sdk}, %s`, (mode) => {
    let http: RunningHttpServer | undefined;
    const clients: TestClient[] = [];
    const ended: RequestFacts[] = [];
    const calls = new HandlerCalls();

    const serve = async (options: RateLimitOptions) => {
      const limiter = rateLimit({ clock: new ManualClock(), ...options });
      http = await startHttpServer({
        sdk,
        mode,
        authenticate,
        // Servers built per session or per request all share the one limiter.
        createServer: () =>
          observe(createExampleServer({ sdk, calls })).use(limiter, {
            name: 'recorder',
            onRequestEnd: (request) => void ended.push(request),
          }),
      });
      return { limiter, url: http.url };
    };
    const track = async (connecting: Promise<TestClient>) => {
      const client = await connecting;
      clients.push(client);
      return client;
    };

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await http?.close();
      http = undefined;
      ended.length = 0;
    });

    it('keys clients by the authenticated principal, across connections', async () => {
      const { limiter, url } = await serve({ key: 'principal', client: { limit: 2 } });
      const alice = await track(connectAs(sdk, url, 'alice'));
      const aliceAgain = await track(connectAs(sdk, url, 'alice'));
      const bob = await track(connectAs(sdk, url, 'bob'));
      expect(await countOutcomes(echoCalls(alice, 1))).toEqual({ ok: 1, refused: 0 });
      expect(await countOutcomes(echoCalls(aliceAgain, 2))).toEqual({ ok: 1, refused: 1 });
      expect(await countOutcomes(echoCalls(bob, 3))).toEqual({ ok: 2, refused: 1 });
      await waitFor(
        () => ended.filter((request) => request.method === 'tools/call').length === 6,
        'the calls',
      );
      const refused = ended.filter((request) => request.refusal !== undefined);
      expect(refused.map((request) => [request.auth?.clientId, request.refusal?.scope])).toEqual([
        ['alice', 'client'],
        ['bob', 'client'],
      ]);
      expect(limiter.stats()).toMatchObject({ allowed: 4, refused: 2 });
    });

    if (mode === 'stateful') {
      it('keys clients by session: each session has its own limit', async () => {
        const { url } = await serve({ client: { limit: 2 } });
        const first = await track(connectHttp(sdk, url));
        const second = await track(connectHttp(sdk, url));
        expect(await countOutcomes(echoCalls(first, 3))).toEqual({ ok: 2, refused: 1 });
        expect(await countOutcomes(echoCalls(second, 3))).toEqual({ ok: 2, refused: 1 });
        await waitFor(() => ended.filter((request) => request.refusal).length === 2, 'the refusals');
        const sessions = new Set(
          ended.filter((request) => request.refusal).map((request) => request.session.id),
        );
        expect(sessions.size).toBe(2);
        expect([...sessions].every((id) => typeof id === 'string')).toBe(true);
      });
    }

    if (mode === 'handler') {
      it('keys modern-era clients by the name each request carries', async () => {
        const { url } = await serve({ key: 'client-name', client: { limit: 2 } });
        const first = await track(connectHttp(sdk, url, { name: 'agent-a', modern: true }));
        const again = await track(connectHttp(sdk, url, { name: 'agent-a', modern: true }));
        const other = await track(connectHttp(sdk, url, { name: 'agent-b', modern: true }));
        expect(await countOutcomes(echoCalls(first, 1))).toEqual({ ok: 1, refused: 0 });
        expect(await countOutcomes(echoCalls(again, 2))).toEqual({ ok: 1, refused: 1 });
        expect(await countOutcomes(echoCalls(other, 2))).toEqual({ ok: 2, refused: 0 });
      });
    }
  });
}
