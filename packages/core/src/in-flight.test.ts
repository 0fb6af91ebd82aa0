/** Core's in-flight count: up while requests run, exactly 0 once they ended, reused ids included. */
import { connectInMemory, connectRaw, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { initializeRaw } from '../test/raw-session.js';
import { recordingPlugin } from '../test/recording-plugin.js';
import { endpointFacts, observe } from './index.js';

function heldServer(sdk: (typeof SDK_VERSIONS)[number]) {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = createExampleServer({ sdk });
  (server as { registerTool: (...args: unknown[]) => void }).registerTool(
    'hold',
    { description: 'Waits until released' },
    async () => {
      await released;
      return { content: [{ type: 'text', text: 'released' }] };
    },
  );
  return { server, release };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('counts requests in flight and comes back to exactly 0', async () => {
    const { server, release } = heldServer(sdk);
    const recorder = recordingPlugin();
    const observed = observe(server).use(recorder);
    const client = await connectInMemory(observed, sdk);
    expect(endpointFacts(observed)?.inFlight).toBe(0);
    const calls = [1, 2, 3].map(() => client.callTool('hold'));
    await waitFor(() => endpointFacts(observed)?.inFlight === 3, 'three calls in flight');
    release();
    await Promise.all(calls);
    await waitFor(
      () => recorder.ended.filter((request) => request.method === 'tools/call').length === 3,
      'the calls',
    );
    expect(endpointFacts(observed)?.inFlight).toBe(0);
    await client.callTool('echo', { text: 'after' });
    expect(endpointFacts(observed)?.inFlight).toBe(0);
    await client.close();
  });

  it('keeps two requests that reuse one id apart: both answered, both ended once, 0 in flight', async () => {
    const { server, release } = heldServer(sdk);
    const recorder = recordingPlugin();
    const observed = observe(server).use(recorder);
    const connection = await connectRaw(observed, sdk);
    await initializeRaw(connection);
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'hold', arguments: {} } };
    await connection.send(call);
    await connection.send(call);
    await waitFor(() => endpointFacts(observed)?.inFlight === 2, 'both calls in flight');
    release();
    await waitFor(() => recorder.ended.length === 3, 'initialize and both calls');
    const calls = recorder.ended.filter((request) => request.method === 'tools/call');
    expect(calls.map((request) => [request.id, request.outcome])).toEqual([
      [7, 'ok'],
      [7, 'ok'],
    ]);
    expect(calls[0]).not.toBe(calls[1]);
    expect(endpointFacts(observed)?.inFlight).toBe(0);
    const answers = connection.received.filter((message) => (message as { id?: unknown }).id === 7);
    expect(answers).toHaveLength(2);
    await connection.close();
  });
});
