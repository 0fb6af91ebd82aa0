/**
 * Sentry faults, with all five plugins: an endpoint that refuses connections, and one that holds its
 * answers (slow). The server answers as the bare one does, and the fault is reported once through core's
 * diagnostics channel. Each test initialises its own Sentry client (reports are once per client).
 */
import { captureStderr, SDK_VERSIONS, type SdkVersion, type StderrCapture } from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inMemoryTracing } from '../test/otel.js';
import { initSentry, refusedDsn, type SentryEndpoint, startSentryEndpoint } from '../test/sentry-endpoint.js';
import { createStack, type Stack } from '../test/stack.js';
import { bareAnswers, survive } from '../test/survive.js';
import { until } from '../test/until.js';

const otel = inMemoryTracing();
const cleanups: (() => unknown)[] = [];
let stderr: StderrCapture | undefined;
const survived: string[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  stderr?.restore();
});

afterAll(() => {
  process.stderr.write(`[reliability] Sentry faults survived: ${survived.length} (${survived.join('; ')})\n`);
});

/** A fresh Sentry client per test, closed after it. */
function startSentry(dsn: string): void {
  initSentry(dsn, { dedupe: false });
  cleanups.push(() => Sentry.close(100));
}

function stack(): Stack {
  const created = createStack({ tracerProvider: otel.provider });
  cleanups.push(() => created.dispose());
  return created;
}

/** What the Sentry plugin itself reported (core's MCPSCOPE_PLUGIN_* about it depend on the machine's load). */
const sentryReports = (stack: Stack) =>
  stack.failures
    .filter((failure) => failure.code.startsWith('MCPSCOPE_SENTRY_'))
    .map((failure) => `${failure.code} ${failure.message}`);

describe.each(SDK_VERSIONS)('SDK %s', (sdk: SdkVersion) => {
  let expected: string[];

  beforeAll(async () => {
    expected = await bareAnswers(sdk);
  });

  it('survives a Sentry endpoint that refuses connections, reporting it once', async () => {
    startSentry(await refusedDsn());
    const observed = stack();
    stderr = captureStderr();
    const { server } = await survive(observed, sdk, expected, stderr);
    await until(() => sentryReports(observed).length > 0, 'the delivery failure report');
    await server.close();
    expect(observed.failures.filter((failure) => failure.plugin !== 'sentry')).toEqual([]);
    expect(sentryReports(observed)).toEqual([
      'MCPSCOPE_SENTRY_DELIVERY_FAILED events are not reaching Sentry (an event got no answer: the endpoint ' +
        'is unreachable or the send queue is full); later delivery failures are not reported',
    ]);
    survived.push(`Sentry endpoint down (${sdk})`);
  });

  it('survives a slow Sentry endpoint: requests never wait for it, the flush at close reports it once', async () => {
    const endpoint: SentryEndpoint = await startSentryEndpoint();
    cleanups.push(() => endpoint.close());
    endpoint.hold();
    startSentry(endpoint.dsn);
    const observed = stack();
    stderr = captureStderr();
    const { server, first } = await survive(observed, sdk, expected, stderr);
    expect(first.failures).toEqual([]);
    await until(() => endpoint.requests > 0, 'the first envelope to reach the endpoint');

    await server.close();
    // The flush at close waits until core's closeTimeoutMs (500 ms here) cuts it short, and says so.
    expect(observed.failures.map((failure) => `${failure.plugin} ${failure.code}`)).toEqual([
      'sentry MCPSCOPE_PLUGIN_CLOSE_TIMEOUT',
    ]);
    endpoint.release();
    survived.push(`Sentry endpoint slow (${sdk})`);
  });
});
