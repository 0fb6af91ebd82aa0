/**
 * Whose business a failure is comes from core (`request.errorSide`): a tool throwing
 * `UrlElicitationRequiredError` (-32042, a flow the client must follow) gives no Sentry event, alone or
 * next to Sentry's own MCP instrumentation (which reports it as a handler error and a JSON-RPC error);
 * with `captureClientErrors` it is one warning.
 */
import { endpointFacts, observe } from '@mcpscope/core';
import {
  connectInMemory,
  connectInMemoryPair,
  createExampleServer,
  type ExampleServer,
  exceptionOf,
  SDK_VERSIONS,
  type SdkVersion,
  type SentryReceiver,
  startSentryReceiver,
  waitFor,
} from '@mcpscope/test-kit';
import { UrlElicitationRequiredError as V1UrlElicitationRequired } from '@modelcontextprotocol/sdk/types.js';
import { UrlElicitationRequiredError as V2UrlElicitationRequired } from '@modelcontextprotocol/server';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addElicitingTool } from '../test/eliciting-tool.js';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { MECHANISM_TYPE, type SentryOptions, sentry } from './index.js';

const accountAuthorization = {
  mode: 'url' as const,
  elicitationId: 'auth-2',
  url: 'https://example.com/authorize',
  message: 'Authorize the account first',
};

interface ElicitingRegistry {
  registerTool(name: string, config: { description: string }, handler: () => Promise<never>): unknown;
}

let receiver: SentryReceiver;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  receiver = await startSentryReceiver();
  // Tracing on: Sentry's MCP instrumentation records spans (and reports errors) when it wraps a server.
  initSentryEveryEvent(receiver.dsn, { tracesSampleRate: 1 });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  receiver.clear();
});

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
});

async function connectWrapped(server: ExampleServer, sdk: SdkVersion) {
  const { client, serverSide } = await connectInMemoryPair(server, sdk);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return { client, serverSide };
}

async function elicitation(sdk: SdkVersion, wrapped: boolean, options?: SentryOptions) {
  const server = createExampleServer({ sdk });
  addElicitingTool(server, sdk);
  if (wrapped) Sentry.wrapMcpServerWithSentry(server);
  observe(server).use(sentry(options));
  const { client, serverSide } = wrapped
    ? await connectWrapped(server, sdk)
    : { client: await connectInMemory(server, sdk), serverSide: undefined };
  if (!wrapped) {
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
  }
  await expect(client.callTool('needs_authorization')).rejects.toThrow(/-32042|elicitation/i);
  await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
  expect(await Sentry.flush(5_000)).toBe(true);
  return { events: receiver.events(), serverSide };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it.each([false, true])(
    "UrlElicitationRequiredError gives no event (Sentry's MCP instrumentation too: %s)",
    async (wrapped) => {
      const { events } = await elicitation(sdk, wrapped);
      expect(events).toEqual([]);
    },
  );

  it.each([false, true])(
    "with captureClientErrors it is one warning (Sentry's MCP instrumentation too: %s)",
    async (wrapped) => {
      const { events } = await elicitation(sdk, wrapped, { captureClientErrors: true });
      expect(events).toHaveLength(1);
      expect(events[0]?.level).toBe('warning');
      // The SDKs' error classes keep their base class's name.
      expect(exceptionOf(events[0]!)).toMatchObject({
        type: sdk === 'v1' ? 'McpError' : 'ProtocolError',
        value: expect.stringContaining('URL elicitation required'),
      });
      // Sentry wraps tools registered before the wrap on SDK 2.x only; on 1.x this plugin reports it.
      expect(exceptionOf(events[0]!)?.mechanism?.type).toBe(
        wrapped && sdk === 'v2' ? 'auto.ai.mcp_server' : MECHANISM_TYPE,
      );
      expect(events[0]?.tags).toMatchObject({
        'gen_ai.tool.name': 'needs_authorization',
        'error.type': '-32042',
        'mcp.error.side': 'client',
      });
    },
  );

  it('with captureClientErrors, a client-side error the handler reported itself is not reported again, even when it echoes an argument', async () => {
    const server = createExampleServer({ sdk });
    (server as unknown as ElicitingRegistry).registerTool(
      'authorize_account',
      { description: 'Reports, then asks for URL elicitation' },
      async () => {
        const error =
          sdk === 'v1'
            ? new V1UrlElicitationRequired([accountAuthorization], 'authorize hunter2-account first')
            : new V2UrlElicitationRequired([accountAuthorization], 'authorize hunter2-account first');
        Sentry.captureException(error);
        throw error;
      },
    );
    observe(server).use(sentry({ captureClientErrors: true }));
    const client = await connectInMemory(server, sdk);
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    await expect(client.callTool('authorize_account', { account: 'hunter2-account' })).rejects.toThrow(
      /-32042|authorize/,
    );
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    expect(await Sentry.flush(5_000)).toBe(true);
    // SDK 1.x's McpError puts the code in front of the message.
    expect(receiver.events().map((event) => exceptionOf(event)?.value)).toEqual([
      sdk === 'v1' ? 'MCP error -32042: authorize [REDACTED] first' : 'authorize [REDACTED] first',
    ]);
  });

  it("a transport error the client caused gives no event from Sentry's instrumentation either", async () => {
    const server = createExampleServer({ sdk });
    Sentry.wrapMcpServerWithSentry(server);
    observe(server).use(sentry());
    const { serverSide } = await connectWrapped(server, sdk);
    serverSide.onerror?.(new SyntaxError('Unexpected token } in JSON at position 12'));
    serverSide.onerror?.(new Error('the transport broke'));
    expect(await Sentry.flush(5_000)).toBe(true);
    expect(receiver.events().map((event) => exceptionOf(event)?.value)).toEqual(['the transport broke']);
  });
});
