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

const running: Started[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.client.close();
});

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
      },
      async ({ user }) => text(`welcome ${user as string}`),
    );
    addTool(server, sdk, 'call_upstream', { api_key: z.string() }, async ({ api_key }) => {
      throw new Error(`upstream rejected key ${api_key as string}`);
    });
  });
  running.push(started);
  const { client, captured } = started;
  await client.callTool('login', {
    user: 'alice',
    password: CANARY_PASSWORD,
    profile: { apiKey: CANARY_API_KEY, ssn: CANARY_SSN, note: 'hello' },
  });
  await client.callTool('call_upstream', { api_key: CANARY_API_KEY });
  await client.callTool('echo', { text: CANARY_TEXT });
  await waitFor(() => captured.requestLines('tools/call').length === 3, 'three request lines');
  return captured;
}

describe.each(SDK_VERSIONS)('privacy, SDK %s', (sdk) => {
  it('argument logging off (default): no argument, result or canary reaches the output', async () => {
    const captured = await startWithSecrets(sdk, {});
    const [login, upstream, echo] = captured.requestLines('tools/call');
    expect(login).not.toHaveProperty('gen_ai.tool.call.arguments');
    expect(login).not.toHaveProperty('gen_ai.tool.call.result');
    expect(echo).not.toHaveProperty('gen_ai.tool.call.arguments');
    // The thrown error is logged, with the argument it echoed scrubbed out.
    expect(upstream).toMatchObject({
      level: LEVEL.error,
      err: { message: 'upstream rejected key [Redacted]' },
    });
    expect((upstream!.err as { stack: string }).stack).toContain('upstream rejected key [Redacted]');
    expect(captured.text()).not.toMatch(CANARY);
  });

  it('argument and result logging on: secret keys and user paths redacted, the rest shown', async () => {
    const captured = await startWithSecrets(sdk, {
      logArguments: true,
      logResults: true,
      redact: ['profile.ssn'],
    });
    const [login, upstream] = captured.requestLines('tools/call');
    expect(login!['gen_ai.tool.call.arguments']).toEqual({
      user: 'alice',
      password: '[Redacted]',
      profile: { apiKey: '[Redacted]', ssn: '[Redacted]', note: 'hello' },
    });
    expect(login!['gen_ai.tool.call.result']).toEqual({ content: [{ type: 'text', text: 'welcome alice' }] });
    expect(upstream!['gen_ai.tool.call.arguments']).toEqual({ api_key: '[Redacted]' });
    expect(upstream).toMatchObject({ err: { message: 'upstream rejected key [Redacted]' } });
    // The echo tool's text is not a secret: with arguments on, it is shown (and so is its result).
    const withoutEcho = captured.lines.filter((line) => line['gen_ai.tool.name'] !== 'echo');
    expect(JSON.stringify(withoutEcho)).not.toMatch(CANARY);
    expect(captured.text()).not.toContain(CANARY_PASSWORD);
    expect(captured.text()).not.toContain(CANARY_API_KEY);
    expect(captured.text()).not.toContain(CANARY_SSN);
  });

  it('logged values are size-capped', async () => {
    const started = await startLogged(sdk, { logArguments: true, maxValueLength: 100 });
    running.push(started);
    await started.client.callTool('echo', { text: 'y'.repeat(5000) });
    await waitFor(() => started.captured.requestLines('tools/call').length === 1, 'the request line');
    const line = started.captured.requestLines('tools/call')[0]!;
    expect(line['gen_ai.tool.call.arguments']).toEqual({ text: `${'y'.repeat(100)}…[+4900 chars]` });
  });
});
