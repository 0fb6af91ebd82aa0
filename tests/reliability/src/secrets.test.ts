/**
 * Canary secrets with default options: in tool arguments (valid and invalid ones, also echoed by a
 * handler into the error it throws, and by a prompt into its error), in tool results (plain and `isError`), and in the
 * environment. None of them may appear in the raw bytes of the log lines, the spans (names,
 * attributes, events, status, links, resource), the metric exposition (both formats), or the Sentry
 * envelopes, while every plugin did record each request.
 */
import { renderRegistry } from '@mcpscope/metrics';
import { connectInMemory, createExampleServer, SDK_VERSIONS, type SdkVersion } from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inMemoryTracing, spanText } from '../test/otel.js';
import { addSecretTools, CANARY } from '../test/secret-tools.js';
import { initSentry, type SentryEndpoint, startSentryEndpoint } from '../test/sentry-endpoint.js';
import { createStack } from '../test/stack.js';

let endpoint: SentryEndpoint;
const otel = inMemoryTracing();

beforeAll(async () => {
  process.env.MCP_DATABASE_PASSWORD = CANARY.environment;
  process.env.SECRET_API_KEY = CANARY.environment;
  endpoint = await startSentryEndpoint();
  initSentry(endpoint.dsn, { dedupe: false });
});

afterAll(async () => {
  await Sentry.close(2_000);
  await endpoint.close();
  delete process.env.MCP_DATABASE_PASSWORD;
  delete process.env.SECRET_API_KEY;
});

function leaks(where: string, text: string): string[] {
  return Object.entries(CANARY)
    .filter(([, canary]) => text.includes(canary))
    .map(([name]) => `${name} in ${where}`);
}

async function exercise(sdk: SdkVersion) {
  otel.exporter.reset();
  endpoint.clear();
  const stack = createStack({ tracerProvider: otel.provider });
  const server = stack.observe(addSecretTools(createExampleServer({ sdk }), sdk));
  const client = await connectInMemory(server, sdk);
  const echoed = await client.callTool('echo', { text: CANARY.argument });
  expect(echoed.content).toEqual([{ type: 'text', text: CANARY.argument }]);
  const login = await client.callTool('login', { user: 'ada', password: CANARY.errorArgument });
  expect(login.isError).toBe(true);
  expect(JSON.stringify(login.content)).toContain(CANARY.errorArgument);
  expect((await client.callTool('add', { a: CANARY.argument, b: 2 })).isError).toBe(true);
  expect(JSON.stringify((await client.callTool('vault')).content)).toContain(CANARY.result);
  const locked = await client.callTool('vault_locked');
  expect(locked.isError).toBe(true);
  await expect(client.getPrompt('secret_prompt', { topic: CANARY.promptArgument })).rejects.toThrow(
    CANARY.promptArgument,
  );
  await client.close();
  await server.close();
  expect(await Sentry.flush(5_000)).toBe(true);
  return stack;
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('with default options no canary reaches logs, spans, metrics or Sentry', async () => {
    const stack = await exercise(sdk);
    // Every plugin did record the calls: the checks below look at real output.
    const requestLines = stack.log.lines().filter((line) => 'mcp.request.outcome' in line);
    expect(requestLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['tools/call login tool_error', 'tools/call vault ok']),
    );
    expect(otel.spans().map((span) => span.name)).toEqual(
      expect.arrayContaining(['tools/call login', 'tools/call vault_locked', 'prompts/get secret_prompt']),
    );
    const events = endpoint.events();
    expect(events.map((event) => event.exception?.values?.at(-1)?.type)).toEqual(['Error', 'Error']);

    const found = [
      ...leaks('log lines', stack.log.text()),
      ...otel.spans().flatMap((span) => leaks(`span "${span.name}"`, spanText(span))),
      ...leaks('Prometheus text', await renderRegistry(stack.registry, 'prometheus')),
      ...leaks('OpenMetrics', await renderRegistry(stack.registry, 'openmetrics')),
      ...leaks('Sentry envelopes', endpoint.rawText()),
    ];
    expect(found).toEqual([]);
  });
});
