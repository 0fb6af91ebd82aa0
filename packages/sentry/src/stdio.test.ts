/**
 * Stdio servers in real child processes, each with its own `Sentry.init`: with Sentry's automatic
 * McpServer instrumentation on (tracing) and off. The envelope endpoint holds every answer back, so
 * events only arrive if closing the server flushes before the process exits.
 */
import { fileURLToPath } from 'node:url';
import {
  exceptionOf,
  PROMPT_FAILURE_MESSAGE,
  RESOURCE_FAILURE_MESSAGE,
  SDK_VERSIONS,
  type SentryReceiver,
  spawnStdioServer,
  startSentryReceiver,
  TOOL_FAILURE_MESSAGE,
} from '@mcpscope/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnRawStdio } from '../test/raw-stdio.js';
import { MECHANISM_TYPE } from './index.js';

const fixture = fileURLToPath(new URL('../test/stdio-server.ts', import.meta.url));
const SENTRY_MCP_MECHANISM = 'auto.ai.mcp_server';

let receiver: SentryReceiver;
beforeAll(async () => {
  receiver = await startSentryReceiver({ responseDelayMs: 200 });
});
beforeEach(() => receiver.clear());
afterAll(() => receiver.close());

const textOf = (response: Record<string, unknown>): string =>
  ((response.result as { content?: { text?: string }[] } | undefined)?.content?.[0]?.text ?? '') as string;

describe.each(SDK_VERSIONS)('SDK %s over stdio', (sdk) => {
  it.each([
    ['on', ['--tracing']],
    ['off', []],
  ] as const)(
    'Sentry MCP instrumentation %s: one event per error, stdout clean, all delivered by close',
    async (instrumentation, flags) => {
      const child = spawnRawStdio(fixture, [sdk, receiver.dsn, ...flags]);
      const initialized = await child.request('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw-client', version: '9.8.7' },
      });
      expect(initialized.result).toBeDefined();
      child.notify('notifications/initialized');

      const probe = await child.request('tools/call', { name: 'instrumentation', arguments: {} });
      // Automatic where Sentry's module hooks reach the SDK (Node 20, 24), explicit where they do not (22).
      const wrapped = textOf(probe);
      expect(instrumentation === 'on' ? ['automatic', 'explicit'] : ['none']).toContain(wrapped);

      expect((await child.request('foo/bar', {})).error).toMatchObject({ code: -32601 });
      expect((await child.request('prompts/get', { name: 'no_such_prompt' })).error).toMatchObject({
        code: -32602,
      });
      // Valid JSON that is no JSON-RPC message: both SDKs' stdio transports report it through onerror.
      child.writeLine('{"jsonrpc":"2.0","not":"a message"}');
      await child.request('ping');

      // The failures come last: their events are still on their way when stdin ends.
      const [failed, prompt, resource] = await Promise.all([
        child.request('tools/call', { name: 'fail', arguments: {} }),
        child.request('prompts/get', { name: 'broken' }),
        child.request('resources/read', { uri: 'broken://resource' }),
      ]);
      expect((failed.result as { isError?: boolean }).isError).toBe(true);
      expect(prompt.error).toMatchObject({ code: -32603 });
      expect(resource.error).toMatchObject({ code: -32603 });

      expect(await child.end()).toBe(0);
      expect(child.stderr()).toBe('');
      for (const line of child.stdoutLines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });

      // Three handler failures; the malformed message was the client's mistake: no event, a breadcrumb.
      const events = receiver.events();
      const handlerFailures = [PROMPT_FAILURE_MESSAGE, RESOURCE_FAILURE_MESSAGE, TOOL_FAILURE_MESSAGE];
      expect(events.map((event) => exceptionOf(event)?.value ?? '').sort()).toEqual(handlerFailures.sort());
      // SDK 1.x keeps the tools and prompts registered before an explicit wrap where Sentry does not look:
      // this plugin reports their failures (as in coexistence.test.ts); Sentry reports the resource's.
      const pluginReports = new Set<string>(
        instrumentation === 'off'
          ? handlerFailures
          : wrapped === 'explicit' && sdk === 'v1'
            ? [TOOL_FAILURE_MESSAGE, PROMPT_FAILURE_MESSAGE]
            : [],
      );
      const expectedMechanism = (event: (typeof events)[number]) =>
        pluginReports.has(exceptionOf(event)?.value ?? '') ? MECHANISM_TYPE : SENTRY_MCP_MECHANISM;
      for (const event of events) {
        expect(exceptionOf(event)?.mechanism?.type, exceptionOf(event)?.value).toBe(expectedMechanism(event));
        expect(exceptionOf(event)?.type).not.toMatch(/^JsonRpcError/);
        expect(event.tags).toMatchObject({
          'mcp.transport': 'stdio',
          'network.transport': 'pipe',
          'mcp.client.name': 'raw-client',
          'mcp.client.version': '9.8.7',
          'mcp.protocol.version': '2025-06-18',
        });
        const transportCrumbs = (event.breadcrumbs ?? []).filter(
          (crumb) => crumb.message === 'transport error (client)',
        );
        expect(transportCrumbs).toHaveLength(1);
        expect(transportCrumbs[0]).toMatchObject({
          category: 'mcp',
          level: 'warning',
          data: { 'mcp.error.side': 'client' },
        });
      }
    },
  );

  it('with the SDK client: events reach Sentry before the closed server process exits', async () => {
    const child = await spawnStdioServer(fixture, { sdk, args: [sdk, receiver.dsn, '--tracing'] });
    expect((await child.client.callTool('fail')).isError).toBe(true);
    await expect(child.client.getPrompt('broken')).rejects.toThrow(PROMPT_FAILURE_MESSAGE);
    await child.close();
    expect(child.stderr()).toBe('');
    const events = receiver.events();
    expect(events.map((event) => exceptionOf(event)?.value).sort()).toEqual(
      [PROMPT_FAILURE_MESSAGE, TOOL_FAILURE_MESSAGE].sort(),
    );
    expect(events.every((event) => event.tags?.['mcp.client.name'] === 'test-client')).toBe(true);
  });
});
