/**
 * Core's one privacy rule on spans: arguments and results only when opted in, redacted and cut by
 * `serializePayload`; errors scrubbed of the argument strings they echo (status, exception message and
 * stack); the same on SERVER and CLIENT spans.
 */
import { observe, REDACTED } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  waitFor,
} from '@mcpscope/test-kit';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callTool, connectPair, newClient } from '../test/clients.js';
import { registerTestOtel } from '../test/otel.js';
import { type TracingOptions, tracing } from './index.js';

const otel = registerTestOtel();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  otel.reset();
});

/** Keys the issue found in clear on spans while logs masked them. */
const SECRETS = {
  githubToken: 'ghp_abcdefghijkl',
  'x-api-key': 'key-1234567890',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
  accessKey: 'AKIAABCDEFGHIJ',
  userPassword: 'hunter2-secret',
};

async function echoWithSecrets(sdk: SdkVersion, options: TracingOptions): Promise<ReadableSpan[]> {
  const server = observe(createExampleServer({ sdk })).use(tracing(options));
  const client = observe(newClient(sdk)).use(tracing(options));
  await connectPair(server, client, sdk);
  cleanups.push(() => client.close());
  await callTool(client, 'echo', { text: 'visible words', ...SECRETS, card: { number: '4111111111111111' } });
  await waitFor(() => otel.named('tools/call echo').length === 2, 'both spans');
  return [otel.one('tools/call echo', SpanKind.SERVER), otel.one('tools/call echo', SpanKind.CLIENT)];
}

describe.each(SDK_VERSIONS)('tool payloads, SDK %s', (sdk) => {
  it('are not recorded by default, and no secret or argument shows anywhere on the spans', async () => {
    for (const span of await echoWithSecrets(sdk, {})) {
      expect(span.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
      expect(span.attributes['gen_ai.tool.call.result']).toBeUndefined();
      const text = JSON.stringify([span.attributes, span.events, span.status]);
      for (const value of [...Object.values(SECRETS), 'visible words']) expect(text).not.toContain(value);
    }
  });

  it('opted in: every secret-looking key is [REDACTED] on both sides, with the user’s paths', async () => {
    const spans = await echoWithSecrets(sdk, {
      recordArguments: true,
      recordResults: true,
      redact: ['card.number'],
    });
    for (const span of spans) {
      expect(JSON.parse(String(span.attributes['gen_ai.tool.call.arguments']))).toEqual({
        text: 'visible words',
        githubToken: REDACTED,
        'x-api-key': REDACTED,
        jwt: REDACTED,
        accessKey: REDACTED,
        userPassword: REDACTED,
        card: { number: REDACTED },
      });
      expect(span.attributes['gen_ai.tool.call.result']).toBe(
        '{"content":[{"type":"text","text":"visible words"}]}',
      );
      const text = JSON.stringify([span.attributes, span.events, span.status]);
      for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    }
  });

  it('maxPayloadLength cuts the recorded JSON (core’s mark), isError results too', async () => {
    const server = observe(createExampleServer({ sdk })).use(
      tracing({ recordArguments: true, recordResults: true, maxPayloadLength: 40 }),
    );
    const client = await connectInMemory(server, sdk);
    cleanups.push(() => client.close());
    await client.callTool('echo', { text: 'x'.repeat(100) });
    await client.callTool('soft_fail');
    await waitFor(() => otel.named('tools/call soft_fail').length === 1, 'the spans');
    const echo = otel.one('tools/call echo');
    expect(echo.attributes['gen_ai.tool.call.arguments']).toBe(`{"text":"${'x'.repeat(19)}…[truncated]`);
    expect(String(echo.attributes['gen_ai.tool.call.result'])).toHaveLength(40);
    expect(otel.one('tools/call soft_fail').attributes['gen_ai.tool.call.arguments']).toBe('{}');
    // An isError result is recorded too, as logs and Sentry record it.
    expect(otel.one('tools/call soft_fail').attributes['gen_ai.tool.call.result']).toBe(
      '{"content":[{"type":"text","…[truncated]',
    );
  });
});

const PASSWORD = 'hunter2-secret';
const USER = 'alice';

interface Registry {
  registerTool(
    name: string,
    config: object,
    handler: (args: Record<string, string>) => Promise<never>,
  ): unknown;
  registerPrompt(name: string, config: object, handler: (args: Record<string, string>) => never): unknown;
}

async function failingCalls(sdk: SdkVersion, options?: TracingOptions) {
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
  const topic = { topic: z.string() };
  registry.registerPrompt(
    'explain',
    { description: 'Throws', argsSchema: sdk === 'v1' ? topic : z.object(topic) },
    ({ topic: value }) => {
      throw new Error(`cannot explain ${value}`);
    },
  );
  observe(server).use(tracing(options));
  const client = await connectInMemory(server, sdk);
  expect((await client.callTool('login', { user: USER, password: PASSWORD, pin: '123' })).isError).toBe(true);
  await expect(client.getPrompt('explain', { topic: PASSWORD })).rejects.toThrow(PASSWORD);
  expect((await client.callTool('fail')).isError).toBe(true);
  await client.close();
  await server.close();
}

function errorText(span: ReadableSpan): { status: string; message: unknown; stack: unknown; type: unknown } {
  const exception = span.events.find((event) => event.name === 'exception');
  return {
    status: span.status.message ?? '',
    message: exception?.attributes?.['exception.message'],
    stack: exception?.attributes?.['exception.stacktrace'],
    type: exception?.attributes?.['exception.type'],
  };
}

describe.each(SDK_VERSIONS)('errors that echo arguments, SDK %s', (sdk) => {
  it('scrubs the arguments out of a thrown error by default (status, exception message and stack)', async () => {
    await failingCalls(sdk);
    const login = errorText(otel.one('tools/call login'));
    const expected = `login failed for ${REDACTED} with password ${REDACTED} and pin 123`;
    expect(login.status).toBe(expected);
    expect(login.message).toBe(expected);
    expect(login.type).toBe('Error');
    expect(String(login.stack)).toContain(`Error: ${expected}`);
    expect(
      JSON.stringify(otel.spans().map((span) => [span.attributes, span.events, span.status])),
    ).not.toContain(PASSWORD);
    expect(otel.one('tools/call login').status.code).toBe(SpanStatusCode.ERROR);

    const prompt = errorText(otel.one('prompts/get explain'));
    expect(prompt.message).toBe(`cannot explain ${REDACTED}`);
    // An error that echoes nothing private is recorded as thrown.
    expect(errorText(otel.one('tools/call fail')).message).toBe('tool failed on purpose');
  });

  it('with recordArguments, scrubs only the values it redacts on the span (secret-looking keys)', async () => {
    await failingCalls(sdk, { recordArguments: true });
    const span = otel.one('tools/call login');
    expect(JSON.parse(String(span.attributes['gen_ai.tool.call.arguments']))).toEqual({
      user: USER,
      password: REDACTED,
      pin: REDACTED,
    });
    expect(errorText(span).message).toBe(`login failed for ${USER} with password ${REDACTED} and pin 123`);
  });
});
