/**
 * Plugins never change what a client receives: a plugin that throws from every hook is reported once
 * per hook, the other plugins still see everything, and the answers equal the bare server's.
 */
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { runRawStdio } from '../test/raw-stdio.js';
import { recordingPlugin, throwingPlugin } from '../test/recording-plugin.js';
import { type Diagnostic, observe } from './index.js';

/** A scripted conversation; each answer reduced to what the client saw (result, or error code and message). */
async function converse(client: TestClient): Promise<unknown[]> {
  const settle = (promise: Promise<unknown>) =>
    promise.then(
      (result) => ({ result }),
      (error: { code?: number; message?: string }) => ({
        error: { code: error.code, message: error.message },
      }),
    );
  const answers: unknown[] = [];
  answers.push(await settle(client.callTool('echo', { text: 'hello' })));
  answers.push(await settle(client.callTool('fail')));
  answers.push(await settle(client.callTool('soft_fail')));
  answers.push(await settle(client.callTool('add', { a: 'x', b: 1 })));
  answers.push(await settle(client.callTool('no_such_tool')));
  answers.push(await settle(client.getPrompt('greet', { name: 'Ada' })));
  answers.push(await settle(client.getPrompt('greet', {})));
  answers.push(await settle(client.getPrompt('broken')));
  answers.push(await settle(client.readResource('config://app')));
  answers.push(await settle(client.readResource('broken://resource')));
  answers.push(await settle(client.request('no/such_method', {})));
  answers.push(await settle(client.request('tools/list', {})));
  const many = await Promise.all(
    Array.from({ length: 20 }, (_, index) => settle(client.callTool('echo', { text: String(index) }))),
  );
  answers.push(...many);
  return answers;
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('answers every client exactly as the bare server does while a plugin throws from every hook', async () => {
    const bareClient = await connectInMemory(createExampleServer({ sdk }), sdk);
    const bare = await converse(bareClient);
    await bareClient.close();

    const failures: Diagnostic[] = [];
    const thrower = throwingPlugin();
    const recorder = recordingPlugin();
    const server = observe(createExampleServer({ sdk }), {
      onDiagnostic: (failure) => failures.push(failure),
    });
    server.use(thrower, recorder);
    const observedClient = await connectInMemory(server, sdk);
    const observed = await converse(observedClient);
    await observedClient.close();
    await server.close();

    expect(observed).toEqual(bare);
    await waitFor(() => recorder.inFlight === 0, 'requests to end');
    expect(recorder.ended).toHaveLength(1 + 12 + 20);
    const hooks = failures.map((failure) => `${failure.plugin} ${failure.hook}`).sort();
    expect(hooks).toEqual(
      [
        'setup',
        'onEndpointClose',
        'onConnectionOpen',
        'onConnectionClose',
        'onSessionStart',
        'onSessionEnd',
        'onRequestStart',
        'aroundRequest',
        'onRequestEnd',
        'onNotification',
        'close',
      ]
        .map((hook) => `throwing ${hook}`)
        .sort(),
    );
    expect(thrower.calls).toBeGreaterThan(100);
  });

  it('writes nothing but JSON-RPC on a stdio server’s stdout; plugin failures go to stderr, once each', async () => {
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'a' } } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'fail', arguments: {} } },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'echo', arguments: { text: 'b' } } },
    ].map((message) => `${JSON.stringify(message)}\n`);
    const run = await runRawStdio(sdk, 'throwing', [...lines, '{ this is not json\n'], 4);
    const stdoutLines = run.stdout.split('\n').filter((line) => line.length > 0);
    expect(stdoutLines).toHaveLength(4);
    for (const line of stdoutLines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(stdoutLines.map((line) => JSON.parse(line).id).sort()).toEqual([1, 2, 3, 4]);
    const reports = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('[mcpscope] throwing in onRequestEnd: failed'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/\(MCPSCOPE_PLUGIN_FAILED\)$/);
  });
});
