import { observe } from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  type ExampleServer,
  type RunningHttpServer,
  SDK_VERSIONS,
  type SdkVersion,
  startHttpServer,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import type { Client as V2Client } from '@modelcontextprotocol/client';
import type { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { addTool, captureLogger, text } from '../test/harness.js';
import { getLogger, type LoggingOptions, logging } from './index.js';

interface Received {
  readonly level: string;
  readonly data: unknown;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function withChattyTool(server: ExampleServer, sdk: SdkVersion): ExampleServer {
  addTool(server, sdk, 'chatty', {}, async () => {
    const log = getLogger();
    log.debug('d');
    log.info('i');
    log.warn({ code: 7 }, 'w');
    log.error('e %s', 'x');
    return text('done');
  });
  return server;
}

function listen(client: TestClient): Received[] {
  const received: Received[] = [];
  const record = (notification: { params: Received }) => {
    received.push({ level: notification.params.level, data: notification.params.data });
  };
  if (client.sdk === 'v1')
    (client.raw as V1Client).setNotificationHandler(LoggingMessageNotificationSchema, record);
  else (client.raw as V2Client).setNotificationHandler('notifications/message', record);
  return received;
}

async function callChatty(client: TestClient, received: Received[], expected: number): Promise<Received[]> {
  received.length = 0;
  await client.callTool('chatty');
  await waitFor(() => received.length >= expected, `${expected} notifications`);
  return [...received];
}

type Connect = (sdk: SdkVersion, options: LoggingOptions) => Promise<TestClient>;

const connectors: Record<'in-memory' | 'streamable HTTP', Connect> = {
  'in-memory': async (sdk, options) => {
    const server = observe(withChattyTool(createExampleServer({ sdk }), sdk)).use(logging(options));
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    return client;
  },
  'streamable HTTP': async (sdk, options) => {
    const plugin = logging(options);
    const http: RunningHttpServer = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(withChattyTool(createExampleServer({ sdk }), sdk)).use(plugin),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());
    return client;
  },
};

describe.each(SDK_VERSIONS)('client notifications, SDK %s', (sdk) => {
  it.each(Object.keys(connectors) as (keyof typeof connectors)[])(
    'handler lines reach the client at or above its logging/setLevel (%s)',
    async (transport) => {
      const captured = captureLogger();
      const client = await connectors[transport](sdk, { logger: captured.logger, clientNotifications: true });
      const received = listen(client);

      // Before setLevel: info and above (the plugin's default).
      expect(await callChatty(client, received, 3)).toEqual([
        { level: 'info', data: 'i' },
        { level: 'warning', data: { message: 'w', code: 7 } },
        { level: 'error', data: 'e x' },
      ]);

      await client.request('logging/setLevel', { level: 'error' });
      expect(await callChatty(client, received, 1)).toEqual([{ level: 'error', data: 'e x' }]);

      await client.request('logging/setLevel', { level: 'debug' });
      expect((await callChatty(client, received, 4)).map((message) => message.level)).toEqual([
        'debug',
        'info',
        'warning',
        'error',
      ]);

      // stderr (here: the captured logger) still gets every line.
      const handlerLines = captured.lines.filter((line) => ['d', 'i', 'w', 'e x'].includes(line.msg));
      expect(handlerLines).toHaveLength(12);
    },
  );

  it('nothing is sent to the client by default', async () => {
    const captured = captureLogger();
    const client = await connectors['in-memory'](sdk, { logger: captured.logger });
    const received = listen(client);
    await client.request('logging/setLevel', { level: 'debug' });
    await client.callTool('chatty');
    await waitFor(() => captured.requestLines('tools/call').length === 1, 'the request line');
    expect(received).toEqual([]);
    expect(captured.lines.filter((line) => line.msg === 'e x')).toHaveLength(1);
  });

  it('a level name sets the default before the client asks', async () => {
    const captured = captureLogger();
    const client = await connectors['in-memory'](sdk, {
      logger: captured.logger,
      clientNotifications: 'warning',
    });
    const received = listen(client);
    expect((await callChatty(client, received, 2)).map((message) => message.level)).toEqual([
      'warning',
      'error',
    ]);
  });
});

describe('client notifications, SDK v2, the 2026-07-28 era (no logging/setLevel)', () => {
  it('a request gets notifications only when its _meta asks for a level', async () => {
    const captured = captureLogger();
    const plugin = logging({ logger: captured.logger, clientNotifications: true });
    const http = await startHttpServer({
      sdk: 'v2',
      mode: 'handler',
      createServer: () => observe(withChattyTool(createExampleServer({ sdk: 'v2' }), 'v2')).use(plugin),
    });
    cleanups.push(() => http.close());
    const client = await connectHttp('v2', http.url, { modern: true });
    cleanups.push(() => client.close());
    const received = listen(client);

    await client.callTool('chatty');
    await waitFor(() => captured.requestLines('tools/call').length === 1, 'the first call');
    expect(received).toEqual([]);

    await (client.raw as V2Client).callTool({
      name: 'chatty',
      arguments: {},
      _meta: { 'io.modelcontextprotocol/logLevel': 'warning' },
    });
    expect(received).toEqual([
      { level: 'warning', data: { message: 'w', code: 7 } },
      { level: 'error', data: 'e x' },
    ]);
    expect(captured.requestLines('tools/call').map((line) => line['mcp.protocol.version'])).toEqual([
      '2026-07-28',
      '2026-07-28',
    ]);
  });
});
