/**
 * A Streamable HTTP transport that never became a session (junk, an empty body, a call before
 * initialize) cannot be reached again once its exchange is over: core ends its connection as
 * `abandoned`, so no plugin keeps it, or its server, alive.
 */
import { createExampleServer, SDK_VERSIONS, startHttpServer, waitFor } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingPlugin } from '../test/recording-plugin.js';
import { endpointFacts, observe } from './index.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

const JUNK = [
  '{"jsonrpc":',
  '',
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: 'x' } },
  }),
  JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }]),
  JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
];

const running: Awaited<ReturnType<typeof startHttpServer>>[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

describe.each(SDK_VERSIONS)('SDK %s, a server per session', (sdk) => {
  it('abandons connections that never became sessions, and keeps real sessions open', async () => {
    const recorder = recordingPlugin();
    const observed: object[] = [];
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => {
        const server = observe(createExampleServer({ sdk })).use(recorder);
        observed.push(server);
        return server;
      },
    });
    running.push(http);
    const rounds = 20;
    const statuses = new Set<number>();
    for (let round = 0; round < rounds; round++) {
      for (const body of JUNK) {
        const response = await fetch(http.url, { method: 'POST', headers: HEADERS, body });
        statuses.add(response.status);
        await response.text();
      }
    }
    const junk = rounds * JUNK.length;
    await waitFor(() => recorder.connectionsClosed.length === junk, 'every junk connection to end');
    expect([...statuses]).toEqual([400]);
    expect(recorder.connectionsOpened).toHaveLength(junk);
    expect(recorder.connectionsClosed.map((session) => session.closeReason)).toEqual(
      Array(junk).fill('abandoned'),
    );
    expect(recorder.sessionsStarted).toHaveLength(0);
    expect(observed.filter((server) => endpointFacts(server)?.connected)).toHaveLength(0);
    expect(recorder.inFlight).toBe(0);

    // A real session is not abandoned between its requests.
    const response = await fetch(http.url, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      }),
    });
    await response.text();
    expect(response.status).toBe(200);
    await waitFor(() => recorder.sessionsStarted.length === 1, 'the session');
    expect(recorder.connectionsClosed).toHaveLength(junk);
    expect(observed.filter((server) => endpointFacts(server)?.connected)).toHaveLength(1);
  });
});
