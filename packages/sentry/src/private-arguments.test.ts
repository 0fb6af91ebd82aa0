/**
 * A handler that echoes its arguments into the error it throws (or a message it captures) must not leak
 * them to Sentry: the exception value, message and breadcrumbs show core's `[REDACTED]` instead.
 */
import { endpointFacts, observe, REDACTED } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  exceptionOf,
  SDK_VERSIONS,
  type SdkVersion,
  type SentryReceiver,
  startSentryReceiver,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { recordedArguments } from '../test/readme-examples.js';
import { type SentryOptions, sentry } from './index.js';

const PASSWORD = 'hunter2-secret';
const USER = 'alice';
let receiver: SentryReceiver;

beforeAll(async () => {
  receiver = await startSentryReceiver();
  initSentryEveryEvent(receiver.dsn);
});

afterEach(() => receiver.clear());

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
});

interface Registry {
  registerTool(
    name: string,
    config: object,
    handler: (args: Record<string, string>) => Promise<unknown>,
  ): unknown;
  registerPrompt(name: string, config: object, handler: (args: Record<string, string>) => never): unknown;
}

async function leakyCalls(sdk: SdkVersion, options?: SentryOptions) {
  const server = createExampleServer({ sdk });
  const registry = server as unknown as Registry;
  const login = { user: z.string(), password: z.string(), pin: z.string() };
  registry.registerTool(
    'login',
    { description: 'Logs in', inputSchema: sdk === 'v1' ? login : z.object(login) },
    async ({ user, password, pin }) => {
      throw new Error(`login failed for ${user} with password ${password} and pin ${pin}`);
    },
  );
  const token = { token: z.string() };
  registry.registerTool(
    'check',
    { description: 'Reports a message', inputSchema: sdk === 'v1' ? token : z.object(token) },
    async ({ token: value }) => {
      Sentry.captureMessage(`token ${value} looks wrong`);
      return { content: [{ type: 'text', text: 'checked' }] };
    },
  );
  const topic = { topic: z.string() };
  registry.registerPrompt(
    'explain',
    { description: 'Throws', argsSchema: sdk === 'v1' ? topic : z.object(topic) },
    ({ topic: value }) => {
      throw new Error(`cannot explain ${value}`);
    },
  );
  observe(server).use(sentry(options));
  const client = await connectInMemory(server, sdk);
  expect((await client.callTool('login', { user: USER, password: PASSWORD, pin: '123' })).isError).toBe(true);
  await client.callTool('check', { token: PASSWORD });
  await expect(client.getPrompt('explain', { topic: PASSWORD })).rejects.toThrow(PASSWORD);
  expect((await client.callTool('fail')).isError).toBe(true);
  await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
  await client.close();
  await server.close();
  expect(await Sentry.flush(5_000)).toBe(true);
  return receiver.events();
}

const messageOf = (event: { message?: unknown; logentry?: { message?: string } }) =>
  event.logentry?.message ?? (typeof event.message === 'string' ? event.message : undefined);

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('filters the arguments out of thrown errors and captured messages by default', async () => {
    const events = await leakyCalls(sdk);
    expect(receiver.rawText()).not.toContain(PASSWORD);
    // Envelopes travel on concurrent connections: they may arrive in any order.
    const values = events.map((event) => exceptionOf(event)?.value ?? messageOf(event));
    expect(values.sort()).toEqual(
      [
        `login failed for ${REDACTED} with password ${REDACTED} and pin 123`,
        `token ${REDACTED} looks wrong`,
        `cannot explain ${REDACTED}`,
        'tool failed on purpose',
      ].sort(),
    );
  });

  it('with recordArguments, filters only the secret-looking keys it filters in the context', async () => {
    const events = await leakyCalls(sdk, { recordArguments: true });
    expect(events).toHaveLength(4);
    const login = events.find((event) => exceptionOf(event)?.value?.startsWith('login failed'));
    expect(exceptionOf(login!)?.value).toBe(`login failed for ${USER} with password ${REDACTED} and pin 123`);
    expect(login!.contexts?.mcp_request?.['gen_ai.tool.call.arguments']).toBe(
      `{"user":"${USER}","password":"${REDACTED}","pin":"${REDACTED}"}`,
    );
    expect(events.filter((event) => messageOf(event) === `token ${REDACTED} looks wrong`)).toHaveLength(1);
    // A prompt argument under a plain key is recorded on purpose, so its echo stays too.
    expect(events.filter((event) => exceptionOf(event)?.value === `cannot explain ${PASSWORD}`)).toHaveLength(
      1,
    );
  });

  it("the README's example: recorded arguments, redacted by key, by the user's paths and keys, capped", async () => {
    const server = createExampleServer({ sdk });
    const shape = {
      customer: z.object({ email: z.string(), name: z.string() }),
      iban: z.string(),
      password: z.string(),
      note: z.string(),
    };
    (server as unknown as Registry).registerTool(
      'pay',
      { description: 'Pays', inputSchema: sdk === 'v1' ? shape : z.object(shape) },
      async () => {
        throw new Error('payment failed');
      },
    );
    observe(server).use(recordedArguments());
    const client = await connectInMemory(server, sdk);
    const args = {
      customer: { email: 'ada@example.com', name: 'Ada' },
      iban: 'DE00123456780000',
      password: PASSWORD,
      note: 'n'.repeat(3_000),
    };
    expect((await client.callTool('pay', args)).isError).toBe(true);
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    await client.close();
    await server.close();
    expect(await Sentry.flush(5_000)).toBe(true);
    const recorded = receiver.events()[0]?.contexts?.mcp_request?.['gen_ai.tool.call.arguments'] as string;
    expect(recorded).toHaveLength(2_048);
    expect(
      recorded.startsWith(
        `{"customer":{"email":"${REDACTED}","name":"Ada"},"iban":"${REDACTED}","password":"${REDACTED}","note":"nnn`,
      ),
    ).toBe(true);
    for (const secret of ['ada@example.com', 'DE00123456780000', PASSWORD]) {
      expect(receiver.rawText()).not.toContain(secret);
    }
  });
});
