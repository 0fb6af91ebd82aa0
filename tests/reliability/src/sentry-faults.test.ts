/**
 * Sentry faults, with all five plugins: an endpoint that refuses connections, and one that holds its
 * answers (slow). The server answers as the bare one does, and the Sentry plugin reports the fault once
 * on stderr. Each test initialises its own Sentry client (reports are once per client).
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

function stack(flushTimeoutMs = 2_000): Stack {
  const created = createStack({ tracerProvider: otel.provider, sentry: { flushTimeoutMs } });
  cleanups.push(() => created.dispose());
  return created;
}

const sentryLines = (lines: readonly string[]) => lines.filter((line) => line.includes('@mcpscope/sentry'));

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
    await until(() => sentryLines(stderr!.lines()).length > 0, 'the delivery failure report');
    await server.close();
    expect(observed.failures).toEqual([]);
    expect(sentryLines(stderr.lines())).toEqual([
      '[mcpscope] @mcpscope/sentry: events are not reaching Sentry (an event got no answer: the endpoint ' +
        'is unreachable or the send queue is full). Later delivery failures are not reported.',
    ]);
    survived.push(`Sentry endpoint down (${sdk})`);
  });

  it('survives a slow Sentry endpoint: requests never wait for it, the flush at close reports it once', async () => {
    const endpoint: SentryEndpoint = await startSentryEndpoint();
    cleanups.push(() => endpoint.close());
    endpoint.hold();
    startSentry(endpoint.dsn);
    const observed = stack(100);
    stderr = captureStderr();
    const { server, first } = await survive(observed, sdk, expected, stderr);
    expect(sentryLines(first.stderr)).toEqual([]);
    await until(() => endpoint.requests > 0, 'the first envelope to reach the endpoint');

    await server.close();
    expect(observed.failures).toEqual([]);
    expect(sentryLines(stderr.lines())).toEqual([
      '[mcpscope] @mcpscope/sentry: events are not reaching Sentry (events were still being sent when the ' +
        '100 ms flush limit passed). Later delivery failures are not reported.',
    ]);
    endpoint.release();
    survived.push(`Sentry endpoint slow (${sdk})`);
  });
});
