/**
 * Property-based fuzzing: random JSON-RPC traffic (valid and malformed) goes to a bare example server
 * and to the same server observed with all five plugins, over the raw in-memory transport. For every
 * case the client-visible answers are the same multiset, no plugin failure is reported, every handler
 * ran as often, and nothing stays in flight: not in core, not in the metrics gauges, not in health,
 * not as an open span; every request got one log line, one histogram count and one span.
 */
import { endpointFacts, type RequestFacts } from '@mcpscope/core';
import { sentry } from '@mcpscope/sentry';
import {
  connectRaw,
  createExampleServer,
  HandlerCalls,
  type RawConnection,
  SDK_VERSIONS,
  type SdkVersion,
} from '@mcpscope/test-kit';
import { SpanKind } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzCase } from '../test/json-rpc-arbitraries.js';
import { inMemoryTracing } from '../test/otel.js';
import { sentryForSuite } from '../test/sentry-endpoint.js';
import {
  activeRequests,
  activeSessions,
  createStack,
  healthInFlight,
  operationCount,
} from '../test/stack.js';
import { until } from '../test/until.js';

/** Cases per SDK; `FUZZ_RUNS` overrides (the figure in the README is the default). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const MIN_RUNS = 100;
if (!Number.isInteger(RUNS) || RUNS < MIN_RUNS) {
  throw new Error(
    `FUZZ_RUNS=${process.env.FUZZ_RUNS}: at least ${MIN_RUNS} cases, or the floors below prove nothing`,
  );
}

const sentrySuite = sentryForSuite(5_000);
const otel = inMemoryTracing();
// One Sentry plugin for the whole file: each instance adds an event processor to the client.
const sentryPlugin = sentry();
const totals = { cases: 0, messages: 0, answers: 0, requests: 0 };
const outcomes = new Map<string, number>();
const perSdk = new Map<SdkVersion, { totals: typeof totals; outcomes: Set<string> }>();

/**
 * Floors per SDK and fuzzed case, about half of what fast-check's cases give (8.7 messages, 5.4 requests
 * and 3.5 answers per case over 400 cases), so a generator or harness that stops sending, or answers
 * nothing, fails the suite instead of passing on fewer checks.
 */
const FLOORS = { messages: 4, requests: 2.5, answers: 1.5 };
/** Outcomes every run of at least MIN_RUNS cases sees (the unknown tool is a tool error in SDK 1.x, an error in 2.x). */
const SHARED_OUTCOMES = [
  'ok',
  'error',
  'slow:cancelled',
  'fail:tool_error/handler_threw',
  'soft_fail:tool_error/handler_returned_error',
  'add:tool_error/invalid_arguments',
];
const REQUIRED_OUTCOMES: Record<SdkVersion, readonly string[]> = {
  v1: [...SHARED_OUTCOMES, '(unregistered):tool_error/unknown_tool'],
  v2: [...SHARED_OUTCOMES, '(unregistered):error/unknown_tool'],
};

afterAll(async () => {
  await Sentry.flush(5_000);
  process.stderr.write(
    `[reliability] fuzz: ${totals.cases} cases, ${totals.messages} messages, ${totals.requests} requests, ` +
      `${totals.answers} answers compared, ${sentrySuite.endpoint().events().length} Sentry events delivered; outcomes ` +
      `${JSON.stringify(Object.fromEntries([...outcomes].sort(([, left], [, right]) => right - left)))}\n`,
  );
});

const SENTINEL = 'sentinel🔒';

const canonical = (messages: readonly unknown[]): string[] =>
  messages.map((message) => JSON.stringify(message)).sort();

const isSentinelAnswer = (message: unknown): boolean => (message as { id?: unknown } | null)?.id === SENTINEL;

/** The facts of a request agree with themselves: an outcome and the fields that go with it. */
function consistency(request: RequestFacts): string | undefined {
  const { outcome, toolErrorReason, errorType, errorCode } = request;
  if (outcome === 'ok' && (toolErrorReason !== undefined || errorType !== undefined))
    return 'ok with an error';
  if (outcome === 'tool_error' && (toolErrorReason === undefined || errorType !== 'tool_error')) {
    return 'tool_error without its reason';
  }
  if (outcome === 'error' && (errorCode === undefined || errorType !== String(errorCode))) {
    return 'error without its code';
  }
  if ((outcome === 'cancelled' || outcome === 'closed') && errorType !== undefined)
    return 'ended with an error';
  return undefined;
}

async function sendAll(connection: RawConnection, lines: readonly string[]): Promise<void> {
  for (const line of lines) await connection.send(JSON.parse(line)).catch(() => undefined);
}

async function sentinelRound(connection: RawConnection): Promise<void> {
  await connection.send({ jsonrpc: '2.0', id: SENTINEL, method: 'ping' });
  await until(() => connection.received.some(isSentinelAnswer), 'the sentinel ping answer', 10_000);
}

async function runCase(sdk: SdkVersion, lines: readonly string[]): Promise<void> {
  otel.exporter.reset();
  const bareCalls = new HandlerCalls();
  const observedCalls = new HandlerCalls();
  const bare = createExampleServer({ sdk, calls: bareCalls });
  const stack = createStack({ tracerProvider: otel.provider, sentry: sentryPlugin });
  const observed = stack.observe(createExampleServer({ sdk, calls: observedCalls }));
  const facts = endpointFacts(observed)!;
  const spansOpenBefore = otel.counter.open;
  const bareConnection = await connectRaw(bare, sdk);
  const observedConnection = await connectRaw(observed, sdk);
  let answered = 0;
  try {
    await sendAll(bareConnection, lines);
    await sendAll(observedConnection, lines);
    await until(
      () => facts.inFlight === 0 && observedCalls.total === bareCalls.total,
      'the observed server to end every request, with as many handler runs as the bare one',
      10_000,
    );
    // A mismatch is reported by the comparison below, with both lists.
    await until(
      () => bareConnection.received.length === observedConnection.received.length,
      'as many answers',
      2_000,
    ).catch(() => undefined);
    await sentinelRound(bareConnection);
    await sentinelRound(observedConnection);

    const bareAnswers = bareConnection.received.filter((message) => !isSentinelAnswer(message));
    const observedAnswers = observedConnection.received.filter((message) => !isSentinelAnswer(message));
    expect(canonical(observedAnswers)).toEqual(canonical(bareAnswers));
    expect(stack.failures).toEqual([]);
    totals.answers += bareAnswers.length;
    answered = bareAnswers.length;
  } finally {
    await bareConnection.close();
    await observedConnection.close();
  }

  await until(() => !facts.connected && facts.inFlight === 0, 'the connection to close', 10_000);
  const ended = stack.recorder.ended.length;
  expect(stack.recorder.inFlight).toBe(0);
  expect(stack.recorder.openSessions).toBe(0);
  expect(await activeRequests(stack.registry)).toBe(0);
  expect(await activeSessions(stack.registry)).toBe(0);
  expect(await healthInFlight(stack.health)).toBe(0);
  expect(await operationCount(stack.registry)).toBe(ended);
  expect(otel.counter.open).toBe(spansOpenBefore);
  expect(otel.spans().filter((span) => span.kind === SpanKind.SERVER)).toHaveLength(ended);
  // Requests that reuse an id still in flight get their own facts too (core matches responses by async context).
  const inconsistent = stack.recorder.ended
    .map((request) => ({ method: request.method, outcome: request.outcome, problem: consistency(request) }))
    .filter(({ problem }) => problem !== undefined);
  expect(inconsistent).toEqual([]);
  const requestLines = stack.log.lines().filter((line) => 'mcp.request.outcome' in line);
  expect(requestLines).toHaveLength(ended);
  expect(stack.failures).toEqual([]);
  expect(Object.keys(Object.prototype)).toEqual([]);
  stack.dispose();
  totals.cases++;
  totals.messages += lines.length;
  totals.requests += ended;
  const mine = perSdk.get(sdk) ?? {
    totals: { cases: 0, messages: 0, answers: 0, requests: 0 },
    outcomes: new Set(),
  };
  perSdk.set(sdk, mine);
  mine.totals.cases++;
  mine.totals.messages += lines.length;
  mine.totals.requests += ended;
  mine.totals.answers += answered;
  for (const request of stack.recorder.ended) {
    const tool = request.targetRegistered === true ? String(request.target) : '(unregistered)';
    const key = `${request.method === 'tools/call' ? `${tool}:` : ''}${request.outcome}${request.toolErrorReason === undefined ? '' : `/${request.toolErrorReason}`}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    mine.outcomes.add(key);
  }
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it(`answers ${RUNS} fuzzed cases exactly as the bare server, with every plugin consistent`, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzCase, (lines) => runCase(sdk, lines)),
      { numRuns: RUNS },
    );
    const { totals: seen, outcomes: kinds } = perSdk.get(sdk)!;
    expect(seen.cases).toBe(RUNS);
    expect(seen.messages).toBeGreaterThanOrEqual(FLOORS.messages * RUNS);
    expect(seen.requests).toBeGreaterThanOrEqual(FLOORS.requests * RUNS);
    expect(seen.answers).toBeGreaterThanOrEqual(FLOORS.answers * RUNS);
    expect(REQUIRED_OUTCOMES[sdk].filter((kind) => !kinds.has(kind))).toEqual([]);
  }, 600_000);
});
