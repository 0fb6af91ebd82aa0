/**
 * A handler that echoes its arguments into the error it throws must not leak them into spans: the
 * status description and the exception event (message and stack) show `[REDACTED]` instead.
 */
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, type SdkVersion } from '@mcpscope/test-kit';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerTestOtel } from '../test/otel.js';
import { REDACTED, type TracingOptions, tracing } from './index.js';

const otel = registerTestOtel();
afterEach(() => otel.reset());

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

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
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

  it('with recordToolArguments, scrubs only the values it masks on the span (secret-looking keys)', async () => {
    await failingCalls(sdk, { recordToolArguments: true });
    const span = otel.one('tools/call login');
    expect(JSON.parse(String(span.attributes['gen_ai.tool.call.arguments']))).toEqual({
      user: USER,
      password: REDACTED,
      pin: '123',
    });
    expect(errorText(span).message).toBe(`login failed for ${USER} with password ${REDACTED} and pin 123`);
  });
});
