/**
 * One privacy rule across the signals (issue 15): one table of privacy options, each given alike to
 * logging, tracing and Sentry (the option names are core's `PrivacyOptions` in all three), and the same
 * two tool calls per case, with arguments holding six secrets (`githubToken`, `x-api-key`, `jwt`,
 * `accessKey`, `userPassword`, `authorization`) and one plain value (`region`):
 *
 * - `connect_account` throws an error echoing the access key and the region: a log line, a span and a
 *   Sentry event, each with the arguments (when recorded), the error message, and the `isError` result
 *   the SDK answered with (when recorded);
 * - `issue_credentials` answers with a secret under `sessionToken`, the region, and the GitHub token
 *   echoed into its text: a log line and a span (a successful call is no Sentry event).
 *
 * Asserted exactly, per signal: the recorded arguments and results (the same JSON string in each),
 * every secret key as `[REDACTED]`, the cut to `maxPayloadLength` ending with `…[truncated]`, the
 * error message scrubbed of the argument strings the signal may not show; and in the raw text of every
 * log line, span, metric exposition and Sentry envelope, no secret at all, and the plain value only
 * where the case records it. Each case runs in memory and over Streamable HTTP: there Sentry's Http
 * integration puts the JSON-RPC body on the event (`request.data`), recorded only with
 * `recordArguments`, redacted by the same rule and cut to the same length.
 */
import { type PrivacyOptions, REDACTED, TRUNCATED } from '@mcpscope/core';
import { renderRegistry } from '@mcpscope/metrics';
import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  startHttpServer,
  type TestClient,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inMemoryTracing, spanText } from '../test/otel.js';
import {
  ARGUMENTS,
  addPrivacyTools,
  issuedResult,
  REGION,
  RESULT_SECRET,
  SECRET_ARGUMENTS,
  thrownMessage,
} from '../test/privacy-tools.js';
import { sentryForSuite } from '../test/sentry-endpoint.js';
import { createStack, type Stack } from '../test/stack.js';
import { until } from '../test/until.js';

const otel = inMemoryTracing();
// Without Dedupe, so a second report of the same error cannot hide either.
const sentrySuite = sentryForSuite(2_000, { dedupe: false });

/** The placeholder, written out: core's constant must be this very string. */
const HIDDEN = '[REDACTED]';
/** The marker of a cut payload, written out (core's `TRUNCATED`). */
const CUT = '…[truncated]';
const SECRET_KEYS = Object.keys(SECRET_ARGUMENTS);
const SECRETS = [...Object.values(SECRET_ARGUMENTS), RESULT_SECRET];

/** The arguments with every secret key hidden, and `overrides`. */
const hiddenArguments = (overrides: Record<string, string> = {}) => ({
  ...Object.fromEntries(SECRET_KEYS.map((key) => [key, HIDDEN])),
  region: REGION,
  ...overrides,
});

/** What the SDKs answer `connect_account` with (both: the thrown message as an `isError` result). */
const refusedResult = (message: string) => ({ content: [{ type: 'text', text: message }], isError: true });

/** `text` cut to exactly `length` characters, the marker included (core's `capText`, written out). */
const cut = (text: string, length: number) => {
  if (text.length <= length) throw new Error(`the table's payload is not longer than ${length}: ${text}`);
  return text.slice(0, length - CUT.length) + CUT;
};

interface Case {
  readonly name: string;
  readonly options: PrivacyOptions;
  /** The recorded arguments of both calls (JSON), or undefined when not recorded. */
  readonly arguments: string | undefined;
  /** `connect_account`'s error message as every signal shows it. */
  readonly message: string;
  /** `connect_account`'s recorded result (logs, Sentry). */
  readonly refused: string | undefined;
  /** `issue_credentials`' recorded result (logs, spans). */
  readonly issued: string | undefined;
  /** Whether the plain value may show (it must then show in each signal). */
  readonly regionShown: boolean;
  /**
   * Over HTTP, the arguments in the JSON-RPC body Sentry's Http integration puts on the event
   * (`request.data`): none, the parsed arguments, or how long the cut body is.
   */
  readonly body: unknown;
}

const MAX = 48;
const shown = thrownMessage({ ...ARGUMENTS, accessKey: HIDDEN });
const allHidden = thrownMessage({ ...ARGUMENTS, accessKey: HIDDEN, region: HIDDEN });
const issuedShown = JSON.stringify({
  content: [{ type: 'text', text: `issued in ${REGION} for ${HIDDEN}` }],
  structuredContent: { sessionToken: HIDDEN, region: REGION },
});

const CASES: Case[] = [
  {
    name: 'defaults: no argument or result value anywhere',
    options: {},
    arguments: undefined,
    message: allHidden,
    refused: undefined,
    issued: undefined,
    regionShown: false,
    body: undefined,
  },
  {
    name: 'recordArguments: the plain value shows, every secret key is [REDACTED]',
    options: { recordArguments: true },
    arguments: JSON.stringify(hiddenArguments()),
    message: shown,
    refused: undefined,
    issued: undefined,
    regionShown: true,
    body: hiddenArguments(),
  },
  {
    name: `maxPayloadLength ${MAX}: arguments and results cut to exactly ${MAX} characters`,
    options: { recordArguments: true, recordResults: true, maxPayloadLength: MAX },
    arguments: cut(JSON.stringify(hiddenArguments()), MAX),
    message: shown,
    refused: cut(JSON.stringify(refusedResult(shown)), MAX),
    issued: cut(issuedShown, MAX),
    regionShown: true,
    body: `${MAX} characters, cut`,
  },
  {
    name: 'redact a bare key: the plain value is hidden too, in the error message as well',
    options: { recordArguments: true, redact: ['region'] },
    arguments: JSON.stringify(hiddenArguments({ region: HIDDEN })),
    message: allHidden,
    refused: undefined,
    issued: undefined,
    regionShown: false,
    body: hiddenArguments({ region: HIDDEN }),
  },
  {
    name: 'redact a path: only that path of the result is hidden',
    options: { recordArguments: true, recordResults: true, redact: ['structuredContent.region'] },
    arguments: JSON.stringify(hiddenArguments()),
    message: shown,
    refused: JSON.stringify(refusedResult(shown)),
    issued: JSON.stringify({
      content: [{ type: 'text', text: `issued in ${REGION} for ${HIDDEN}` }],
      structuredContent: { sessionToken: HIDDEN, region: HIDDEN },
    }),
    regionShown: true,
    body: hiddenArguments(),
  },
  {
    name: 'recordResults alone: results shown without any argument string',
    options: { recordResults: true },
    arguments: undefined,
    message: allHidden,
    refused: JSON.stringify(refusedResult(allHidden)),
    issued: JSON.stringify({
      content: [{ type: 'text', text: `issued in ${HIDDEN} for ${HIDDEN}` }],
      structuredContent: { sessionToken: HIDDEN, region: HIDDEN },
    }),
    regionShown: false,
    body: undefined,
  },
  {
    name: 'recordArguments and recordResults',
    options: { recordArguments: true, recordResults: true },
    arguments: JSON.stringify(hiddenArguments()),
    message: shown,
    refused: JSON.stringify(refusedResult(shown)),
    issued: issuedShown,
    regionShown: true,
    body: hiddenArguments(),
  },
];

const ARGUMENTS_KEY = 'gen_ai.tool.call.arguments';
const RESULT_KEY = 'gen_ai.tool.call.result';

/** Both calls through every plugin with the same privacy options; what each signal recorded. */
type Transport = 'in-memory' | 'streamable-http';
const TRANSPORTS: readonly Transport[] = ['in-memory', 'streamable-http'];

/** A client of a server (one per session over HTTP) observed by the stack, and how to close both. */
async function connect(sdk: SdkVersion, stack: Stack, transport: Transport) {
  const observed = () => stack.observe(addPrivacyTools(createExampleServer({ sdk }), sdk));
  let client: TestClient;
  let closeServer: () => Promise<void>;
  if (transport === 'in-memory') {
    const server = observed();
    client = await connectInMemory(server, sdk);
    closeServer = () => server.close();
  } else {
    const http = await startHttpServer({ sdk, mode: 'stateful', createServer: observed });
    client = await connectHttp(sdk, http.url);
    closeServer = () => http.close();
  }
  return {
    client,
    close: async () => {
      await client.close();
      await until(() => stack.recorder.inFlight === 0, 'every request to end');
      await closeServer();
    },
  };
}

/** The arguments in the JSON-RPC body on a Sentry event (`request.data`), or how long the cut body is. */
function bodyArguments(event: object | undefined): unknown {
  const data = (event as { request?: { data?: unknown } } | undefined)?.request?.data;
  if (data === undefined) return undefined;
  const text = String(data);
  if (text.endsWith(CUT)) return `${text.length} characters, cut`;
  return (JSON.parse(text) as { params?: { arguments?: unknown } }).params?.arguments;
}

async function record(sdk: SdkVersion, transport: Transport, options: PrivacyOptions) {
  otel.exporter.reset();
  sentrySuite.endpoint().clear();
  const stack = createStack({
    tracerProvider: otel.provider,
    logging: options,
    tracing: options,
    sentry: options,
  });
  const { client, close } = await connect(sdk, stack, transport);
  // What the client gets is never redacted.
  expect(await client.callTool('connect_account', ARGUMENTS)).toEqual(
    refusedResult(thrownMessage(ARGUMENTS)),
  );
  expect(await client.callTool('issue_credentials', ARGUMENTS)).toEqual(issuedResult(ARGUMENTS));
  await close();
  expect(await Sentry.flush(5_000)).toBe(true);
  expect(stack.failures).toEqual([]);
  stack.dispose();

  const lines = stack.log.lines();
  const line = (msg: string) => {
    const found = lines.filter((candidate) => candidate.msg === msg);
    expect(found, msg).toHaveLength(1);
    return found[0]!;
  };
  const span = (name: string) => {
    const found = otel.spans().filter((candidate) => candidate.name === name);
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };
  const refusedLine = line('tools/call connect_account tool_error');
  const issuedLine = line('tools/call issue_credentials ok');
  const refusedSpan = span('tools/call connect_account');
  const issuedSpan = span('tools/call issue_credentials');
  const events = sentrySuite.endpoint().events();
  expect(events).toHaveLength(1);
  const [event] = events;
  const context = event?.contexts?.mcp_request ?? {};
  const err = refusedLine.err as { message?: string; stack?: string } | undefined;
  const exception = refusedSpan.events.find((spanEvent) => spanEvent.name === 'exception')?.attributes;

  return {
    signals: {
      logs: {
        refusedArguments: refusedLine[ARGUMENTS_KEY],
        refusedResult: refusedLine[RESULT_KEY],
        messages: [err?.message, err?.stack?.split('\n')[0]],
        issuedArguments: issuedLine[ARGUMENTS_KEY],
        issuedResult: issuedLine[RESULT_KEY],
      },
      spans: {
        refusedArguments: refusedSpan.attributes[ARGUMENTS_KEY],
        refusedResult: refusedSpan.attributes[RESULT_KEY],
        messages: [
          refusedSpan.status.message,
          exception?.['exception.message'],
          String(exception?.['exception.stacktrace']).split('\n')[0],
        ],
        issuedArguments: issuedSpan.attributes[ARGUMENTS_KEY],
        issuedResult: issuedSpan.attributes[RESULT_KEY],
      },
      sentry: {
        refusedArguments: context[ARGUMENTS_KEY],
        refusedResult: context[RESULT_KEY],
        messages: [event?.exception?.values?.at(-1)?.value],
        body: bodyArguments(event),
      },
    },
    texts: {
      logs: stack.log.text(),
      spans: otel.spans().map(spanText).join('\n'),
      sentry: sentrySuite.endpoint().rawText(),
      metrics: [
        await renderRegistry(stack.registry, 'prometheus'),
        await renderRegistry(stack.registry, 'openmetrics'),
      ].join('\n'),
    },
  };
}

it("core's placeholder and cut marker are the ones this table writes out", () => {
  expect([REDACTED, TRUNCATED]).toEqual([HIDDEN, CUT]);
});

describe.each(SDK_VERSIONS.flatMap((sdk) => TRANSPORTS.map((transport) => ({ sdk, transport }))))(
  'SDK $sdk over $transport',
  ({ sdk, transport }) => {
    it.each(CASES)('$name', async (table) => {
      const { signals, texts } = await record(sdk, transport, table.options);
      const error = `Error: ${table.message}`;
      expect(signals).toEqual({
        logs: {
          refusedArguments: table.arguments,
          refusedResult: table.refused,
          messages: [table.message, error],
          issuedArguments: table.arguments,
          issuedResult: table.issued,
        },
        spans: {
          refusedArguments: table.arguments,
          refusedResult: table.refused,
          messages: [table.message, table.message, error],
          issuedArguments: table.arguments,
          issuedResult: table.issued,
        },
        sentry: {
          refusedArguments: table.arguments,
          refusedResult: table.refused,
          messages: [table.message],
          // In memory there is no HTTP request on the event.
          body: transport === 'in-memory' ? undefined : table.body,
        },
      });

      // The raw text of every signal: no secret, and the plain value exactly where the case records it.
      const found = Object.entries(texts).flatMap(([where, text]) =>
        [...SECRETS, REGION].filter((value) => text.includes(value)).map((value) => `${value} in ${where}`),
      );
      expect(found).toEqual(
        table.regionShown ? [`${REGION} in logs`, `${REGION} in spans`, `${REGION} in sentry`] : [],
      );
    });
  },
);

describe.each(SDK_VERSIONS)('prompts/get arguments, SDK %s', (sdk) => {
  it('are recorded alike in the log line, the span and the Sentry event, secrets hidden', async () => {
    otel.exporter.reset();
    sentrySuite.endpoint().clear();
    const options: PrivacyOptions = { recordArguments: true };
    // Built at run time: Sentry's ContextLines integration sends source lines around the throw.
    const token = ['tok', 'secret', '123'].join('-');
    const stack = createStack({
      tracerProvider: otel.provider,
      logging: options,
      tracing: options,
      sentry: options,
    });
    const server = createExampleServer({ sdk });
    const shape = { topic: z.string(), apiToken: z.string() };
    (server as unknown as { registerPrompt: (...args: unknown[]) => void }).registerPrompt(
      'summarize',
      { description: 'Summarizes a topic', argsSchema: sdk === 'v1' ? shape : z.object(shape) },
      () => {
        throw new Error('no summary today');
      },
    );
    const client = await connectInMemory(stack.observe(server), sdk);
    await expect(client.getPrompt('summarize', { topic: 'weather', apiToken: token })).rejects.toThrow();
    await client.close();
    expect(await Sentry.flush(5_000)).toBe(true);
    stack.dispose();
    const recorded = `{"topic":"weather","apiToken":"${HIDDEN}"}`;
    const lines = stack.log.lines().filter((line) => String(line.msg).startsWith('prompts/get summarize'));
    const spans = otel.spans().filter((span) => span.name === 'prompts/get summarize');
    const events = sentrySuite.endpoint().events();
    expect(lines.map((line) => line['gen_ai.tool.call.arguments'])).toEqual([recorded]);
    expect(spans.map((span) => span.attributes['gen_ai.tool.call.arguments'])).toEqual([recorded]);
    expect(events.map((event) => event.contexts?.mcp_request?.['gen_ai.tool.call.arguments'])).toEqual([
      recorded,
    ]);
    expect(sentrySuite.endpoint().rawText()).not.toContain(token);
  });
});
