/**
 * Core's one privacy rule on log lines: arguments and results only when opted in, as the JSON string
 * `serializePayload` makes (the same string spans and Sentry record), secret keys and the user's paths
 * `[REDACTED]`, cut to `maxPayloadLength`; error messages and stacks scrubbed of the arguments they echo.
 */
import { type PrivacyRules, privacyRules, REDACTED, serializePayload, TRUNCATED } from '@mcpscope/core';
import { SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addTool, LEVEL, type Started, startLogged, text } from '../test/harness.js';
import type { LoggingOptions } from './index.js';

const CANARY_PASSWORD = 'canary-pw-5f8e2b7c';
const CANARY_API_KEY = 'canary-key-91d04a6e';
const CANARY_SSN = 'canary-ssn-0c3b77aa';
const CANARY_TEXT = 'canary-text-6e1f30d2';
const CANARY = /canary/i;
/** Keys the vocabulary issue found in clear on spans while logs masked them. */
const SECRETS = {
  githubToken: 'ghp_abcdefghijkl',
  'x-api-key': 'key-1234567890',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
  accessKey: 'AKIAABCDEFGHIJ',
  userPassword: 'hunter2-secret',
};

const running: Started[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.client.close();
});

const LOGIN_ARGUMENTS = {
  user: 'alice',
  password: CANARY_PASSWORD,
  profile: { apiKey: CANARY_API_KEY, ssn: CANARY_SSN, note: 'hello' },
  ...SECRETS,
};

async function startWithSecrets(sdk: (typeof SDK_VERSIONS)[number], options: Omit<LoggingOptions, 'logger'>) {
  const started = await startLogged(sdk, options, (server) => {
    addTool(
      server,
      sdk,
      'login',
      {
        user: z.string(),
        password: z.string(),
        profile: z.object({ apiKey: z.string(), ssn: z.string(), note: z.string() }),
        ...Object.fromEntries(Object.keys(SECRETS).map((key) => [key, z.string()])),
      },
      async ({ user }) => text(`welcome ${user as string}`),
    );
    addTool(server, sdk, 'call_upstream', { api_key: z.string() }, async ({ api_key }) => {
      throw new Error(`upstream rejected key ${api_key as string}`);
    });
  });
  running.push(started);
  const { client, captured } = started;
  await client.callTool('login', LOGIN_ARGUMENTS);
  await client.callTool('call_upstream', { api_key: CANARY_API_KEY });
  await client.callTool('echo', { text: CANARY_TEXT });
  await waitFor(() => captured.requestLines('tools/call').length === 3, 'three request lines');
  return captured;
}

/** What spans and Sentry record for the same call: core's serializePayload. */
function recorded(value: unknown, rules: PrivacyRules): string | undefined {
  return serializePayload(value, rules);
}

describe.each(SDK_VERSIONS)('privacy, SDK %s', (sdk) => {
  it('recording off (default): no argument, result or canary reaches the output', async () => {
    const captured = await startWithSecrets(sdk, {});
    const [login, upstream, echo] = captured.requestLines('tools/call');
    for (const line of [login, upstream, echo]) {
      expect(line).not.toHaveProperty('gen_ai.tool.call.arguments');
      expect(line).not.toHaveProperty('gen_ai.tool.call.result');
    }
    // The thrown error is logged, with the argument it echoed scrubbed out.
    expect(upstream).toMatchObject({
      level: LEVEL.error,
      err: { message: `upstream rejected key ${REDACTED}` },
    });
    expect(upstream).not.toHaveProperty('error.message');
    expect((upstream!.err as { stack: string }).stack.split('\n')[0]).toBe(
      `Error: upstream rejected key ${REDACTED}`,
    );
    expect(captured.text()).not.toMatch(CANARY);
    for (const secret of Object.values(SECRETS)) expect(captured.text()).not.toContain(secret);
  });

  it('recording on: the JSON string spans record, secret keys and user paths [REDACTED]', async () => {
    const options = { recordArguments: true, recordResults: true, redact: ['profile.ssn'] } as const;
    const captured = await startWithSecrets(sdk, options);
    const rules = privacyRules(options, 'test');
    const [login, upstream, echo] = captured.requestLines('tools/call');
    expect(login!['gen_ai.tool.call.arguments']).toBe(recorded(LOGIN_ARGUMENTS, rules));
    expect(JSON.parse(login!['gen_ai.tool.call.arguments'] as string)).toEqual({
      user: 'alice',
      password: REDACTED,
      profile: { apiKey: REDACTED, ssn: REDACTED, note: 'hello' },
      githubToken: REDACTED,
      'x-api-key': REDACTED,
      jwt: REDACTED,
      accessKey: REDACTED,
      userPassword: REDACTED,
    });
    expect(login!['gen_ai.tool.call.result']).toBe('{"content":[{"type":"text","text":"welcome alice"}]}');
    expect(upstream!['gen_ai.tool.call.arguments']).toBe(`{"api_key":"${REDACTED}"}`);
    expect(upstream).toMatchObject({ err: { message: `upstream rejected key ${REDACTED}` } });
    // The echo tool's text is not a secret: with recording on, it is shown (and so is its result).
    expect(echo!['gen_ai.tool.call.arguments']).toBe(`{"text":"${CANARY_TEXT}"}`);
    expect(echo!['gen_ai.tool.call.result']).toBe(`{"content":[{"type":"text","text":"${CANARY_TEXT}"}]}`);
    const withoutEcho = captured.lines.filter((line) => line['gen_ai.tool.name'] !== 'echo');
    expect(JSON.stringify(withoutEcho)).not.toMatch(CANARY);
    for (const secret of [CANARY_PASSWORD, CANARY_API_KEY, CANARY_SSN, ...Object.values(SECRETS)]) {
      expect(captured.text()).not.toContain(secret);
    }
  });

  it('arguments only: no result; results only: no arguments, and the result scrubbed of arguments', async () => {
    const argumentsOnly = await startWithSecrets(sdk, { recordArguments: true });
    const echoArguments = argumentsOnly.requestLines('tools/call')[2]!;
    expect(echoArguments['gen_ai.tool.call.arguments']).toBe(`{"text":"${CANARY_TEXT}"}`);
    expect(echoArguments).not.toHaveProperty('gen_ai.tool.call.result');
    await running.pop()!.client.close();

    const resultsOnly = await startWithSecrets(sdk, { recordResults: true });
    const echoResult = resultsOnly.requestLines('tools/call')[2]!;
    expect(echoResult).not.toHaveProperty('gen_ai.tool.call.arguments');
    // The echoed argument is private (arguments are not recorded): the result shows it redacted.
    expect(echoResult['gen_ai.tool.call.result']).toBe(`{"content":[{"type":"text","text":"${REDACTED}"}]}`);
    expect(resultsOnly.text()).not.toMatch(CANARY);
  });

  it('payloads are cut to maxPayloadLength, as serializePayload cuts them', async () => {
    const started = await startLogged(sdk, { recordArguments: true, maxPayloadLength: 100 });
    running.push(started);
    await started.client.callTool('echo', { text: 'y'.repeat(5000) });
    await waitFor(() => started.captured.requestLines('tools/call').length === 1, 'the request line');
    const logged = started.captured.requestLines('tools/call')[0]!['gen_ai.tool.call.arguments'] as string;
    expect(logged).toHaveLength(100);
    expect(logged.endsWith(TRUNCATED)).toBe(true);
    expect(logged).toBe(
      recorded(
        { text: 'y'.repeat(5000) },
        privacyRules({ recordArguments: true, maxPayloadLength: 100 }, 't'),
      ),
    );
  });

  it('an invalid privacy option is refused when the plugin is made', async () => {
    await expect(startLogged(sdk, { maxPayloadLength: 3 })).rejects.toThrow(
      'logging: maxPayloadLength must be a number of characters, 16 or more.',
    );
  });
});
