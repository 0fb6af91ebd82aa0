import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  type HttpMode,
  SDK_VERSIONS,
  startHttpServer,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingPlugin } from '../test/recording-plugin.js';
import { observe } from './index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('in memory: one start and one end per request', async () => {
    const plugin = recordingPlugin();
    const server = observe(createExampleServer({ sdk })).use(plugin);
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'hi' });
    await waitFor(() => plugin.inFlight === 0, 'requests to end');
    expect(plugin.ended.map((request) => `${request.method} ${request.outcome}`)).toEqual([
      'initialize ok',
      'tools/call ok',
    ]);
    await client.close();
  });

  const modes: HttpMode[] = sdk === 'v1' ? ['stateful', 'stateless'] : ['stateful', 'stateless', 'handler'];
  it.each(modes)('streamable HTTP (%s): starts and ends match', async (mode) => {
    const plugin = recordingPlugin();
    const http = await startHttpServer({
      sdk,
      mode,
      createServer: () => observe(createExampleServer({ sdk })).use(plugin),
    });
    cleanups.push(() => http.close());
    const client: TestClient = await connectHttp(sdk, http.url);
    await client.callTool('echo', { text: 'hi' });
    await client.callTool('fail');
    await client.close();
    await waitFor(() => plugin.inFlight === 0, 'requests to end');
    const calls = plugin.endedFor('tools/call');
    expect(calls.map((request) => request.outcome)).toEqual(['ok', 'tool_error']);
    expect(calls[1]?.toolErrorReason).toBe('handler_threw');
    expect(calls.every((request) => request.session.networkTransport === 'tcp')).toBe(true);
  });
});
