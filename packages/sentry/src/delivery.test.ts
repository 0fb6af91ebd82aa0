/**
 * Delivery failures are reported once, through core's diagnostics channel: an endpoint that refuses
 * connections, one that answers with an error status, one too slow for the flush at close (core's
 * `closeTimeoutMs` cuts the wait). A healthy endpoint gets no report. The requests are never affected.
 */
import { type Diagnostic, endpointFacts, observe } from '@mcpscope/core';
import {
  captureStderr,
  connectInMemory,
  createExampleServer,
  refusedSentryDsn,
  SDK_VERSIONS,
  type SdkVersion,
  type SentryReceiver,
  startSentryReceiver,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterEach, describe, expect, it } from 'vitest';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { SENTRY_DIAGNOSTIC_CODES, sentry } from './index.js';

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A fresh client per test, without Dedupe so every failure is sent. */
function initSentry(dsn: string): void {
  initSentryEveryEvent(dsn);
  cleanups.push(() => Sentry.close(100));
}

async function receiver(): Promise<SentryReceiver> {
  const started = await startSentryReceiver();
  cleanups.push(() => started.close());
  return started;
}

/** Throwing tool calls (each one a Sentry event), all answered as usual; diagnostics collected. */
async function failingCalls(sdk: SdkVersion, count: number, closeTimeoutMs?: number) {
  const diagnostics: Diagnostic[] = [];
  const server = observe(createExampleServer({ sdk }), {
    onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    ...(closeTimeoutMs === undefined ? {} : { closeTimeoutMs }),
  }).use(sentry());
  const client = await connectInMemory(server, sdk);
  const call = async () => {
    for (let index = 0; index < count; index++) expect((await client.callTool('fail')).isError).toBe(true);
    expect((await client.callTool('echo', { text: 'fine' })).content).toEqual([
      { type: 'text', text: 'fine' },
    ]);
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
  };
  await call();
  return { call, diagnostics, close: () => client.close().then(() => server.close()) };
}

const codes = (diagnostics: readonly Diagnostic[]) =>
  diagnostics.map((diagnostic) => `${diagnostic.plugin} ${diagnostic.code}`);

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('an endpoint that refuses connections: reported once, however many events are lost, not on stderr', async () => {
    const stderr = captureStderr();
    cleanups.push(stderr.restore);
    initSentry(await refusedSentryDsn());
    const run = await failingCalls(sdk, 5);
    await waitFor(() => run.diagnostics.length > 0, 'the delivery failure report');
    await run.call();
    await Sentry.flush(2_000);
    await run.close();
    expect(run.diagnostics).toEqual([
      {
        plugin: 'sentry',
        code: SENTRY_DIAGNOSTIC_CODES.deliveryFailed,
        message:
          'events are not reaching Sentry (an event got no answer: the endpoint is unreachable or the send ' +
          'queue is full); later delivery failures are not reported',
      },
    ]);
    expect(stderr.lines()).toEqual([]);
  });

  it('an endpoint answering 503: reported once with the status', async () => {
    const failing = await receiver();
    failing.answerWith(503);
    initSentry(failing.dsn);
    const run = await failingCalls(sdk, 3);
    await waitFor(() => run.diagnostics.length > 0, 'the delivery failure report');
    await run.call();
    await Sentry.flush(2_000);
    await run.close();
    expect(codes(run.diagnostics)).toEqual([`sentry ${SENTRY_DIAGNOSTIC_CODES.deliveryFailed}`]);
    expect(run.diagnostics[0]?.message).toContain('an event was answered with HTTP 503');
    expect(failing.requests).toBe(6);
    expect(failing.envelopes).toEqual([]);
  });

  it("an endpoint too slow for the flush at close: core's closeTimeoutMs cuts the wait and says so", async () => {
    const slow = await receiver();
    slow.hold();
    initSentry(slow.dsn);
    const run = await failingCalls(sdk, 2, 100);
    expect(run.diagnostics).toEqual([]);
    const started = Date.now();
    await run.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(codes(run.diagnostics)).toEqual(['sentry MCPSCOPE_PLUGIN_CLOSE_TIMEOUT']);
    slow.release();
    await waitFor(() => slow.envelopes.length === 2, 'the held events to be answered');
  });

  it('a flush at close that gives up before everything was sent: reported once, naming the 30 s limit', async () => {
    const healthy = await receiver();
    // Sentry's own transport to a healthy endpoint, whose flush reports it ran out of time.
    initSentryEveryEvent(healthy.dsn, {
      transport: (options) => ({ ...Sentry.makeNodeTransport(options), flush: async () => false }),
    });
    cleanups.push(() => Sentry.close(100));
    const run = await failingCalls(sdk, 1);
    await run.close();
    expect(run.diagnostics).toEqual([
      {
        plugin: 'sentry',
        code: SENTRY_DIAGNOSTIC_CODES.deliveryFailed,
        message:
          'events are not reaching Sentry (events were still being sent 30 s after the endpoint closed); ' +
          'later delivery failures are not reported',
      },
    ]);
  });

  it('flushOnClose: false leaves delivery to Sentry: close does not wait', async () => {
    const slow = await receiver();
    slow.hold();
    initSentry(slow.dsn);
    const diagnostics: Diagnostic[] = [];
    const server = observe(createExampleServer({ sdk }), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
      closeTimeoutMs: 100,
    }).use(sentry({ flushOnClose: false }));
    const client = await connectInMemory(server, sdk);
    expect((await client.callTool('fail')).isError).toBe(true);
    await waitFor(() => slow.requests === 1, 'the event to reach the endpoint');
    await client.close();
    await server.close();
    // With flushOnClose the same close runs into the time limit (previous test).
    expect(diagnostics).toEqual([]);
    slow.release();
  });

  it('a healthy endpoint: every event delivered, nothing reported', async () => {
    const healthy = await receiver();
    initSentry(healthy.dsn);
    const run = await failingCalls(sdk, 3);
    await run.call();
    await run.close();
    expect(healthy.events()).toHaveLength(6);
    expect(run.diagnostics).toEqual([]);
  });
});
