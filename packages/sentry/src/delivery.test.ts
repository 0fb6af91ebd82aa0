/**
 * Delivery failures are reported once per client, on stderr: an endpoint that refuses connections, one
 * that answers with an error status, one too slow for the flush at close. A healthy endpoint gets no
 * report. The requests themselves are never affected.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { observe, endpointFacts } from '@mcpscope/core';
import {
  captureStderr,
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EnvelopeReceiver, startEnvelopeReceiver } from '../test/envelope-receiver.js';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { type SentryPluginOptions, sentry } from './index.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  vi.restoreAllMocks();
});

/** What the plugin writes to stderr (lines starting `[mcpscope] @mcpscope/sentry`). */
function captureReports(): () => string[] {
  const capture = captureStderr('[mcpscope] @mcpscope/sentry');
  cleanups.push(capture.restore);
  return capture.lines;
}

/** A fresh client per test (reports are once per client), without Dedupe so every failure is sent. */
function initSentry(dsn: string): void {
  initSentryEveryEvent(dsn);
  cleanups.push(() => Sentry.close(100).then(() => undefined));
}

async function refusedDsn(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://public@127.0.0.1:${port}/1`;
}

async function failingEndpoint(status: number): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://public@127.0.0.1:${(server.address() as AddressInfo).port}/1`;
}

async function receiver(): Promise<EnvelopeReceiver> {
  const started = await startEnvelopeReceiver();
  cleanups.push(() => started.close());
  return started;
}

/** Throwing tool calls (each one a Sentry event), all answered as usual. */
async function failingCalls(sdk: SdkVersion, count: number, options?: SentryPluginOptions) {
  const server = observe(createExampleServer({ sdk })).use(sentry(options));
  const client = await connectInMemory(server, sdk);
  const call = async () => {
    for (let index = 0; index < count; index++) expect((await client.callTool('fail')).isError).toBe(true);
    expect((await client.callTool('echo', { text: 'fine' })).content).toEqual([
      { type: 'text', text: 'fine' },
    ]);
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
  };
  await call();
  return { call, close: () => client.close().then(() => server.close()) };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('an endpoint that refuses connections: reported once, however many events are lost', async () => {
    const reports = captureReports();
    initSentry(await refusedDsn());
    const run = await failingCalls(sdk, 5);
    await waitFor(() => reports().length > 0, 'the delivery failure report');
    await run.call();
    await Sentry.flush(2_000);
    await run.close();
    expect(reports()).toEqual([
      '[mcpscope] @mcpscope/sentry: events are not reaching Sentry (an event got no answer: the endpoint ' +
        'is unreachable or the send queue is full). Later delivery failures are not reported.',
    ]);
  });

  it('an endpoint answering 503: reported once with the status', async () => {
    const reports = captureReports();
    initSentry(await failingEndpoint(503));
    const run = await failingCalls(sdk, 3);
    await waitFor(() => reports().length > 0, 'the delivery failure report');
    await run.call();
    await Sentry.flush(2_000);
    await run.close();
    expect(reports()).toHaveLength(1);
    expect(reports()[0]).toContain('an event was answered with HTTP 503');
  });

  it('an endpoint too slow for the flush at close: reported once, when closing', async () => {
    const reports = captureReports();
    const slow = await receiver();
    slow.holdResponses(5_000);
    initSentry(slow.dsn);
    const run = await failingCalls(sdk, 2, { flushTimeoutMs: 50 });
    expect(reports()).toEqual([]);
    await run.close();
    expect(reports()).toEqual([
      '[mcpscope] @mcpscope/sentry: events are not reaching Sentry (events were still being sent when the ' +
        '50 ms flush limit passed). Later delivery failures are not reported.',
    ]);
  });

  it('a healthy endpoint: every event delivered, nothing reported', async () => {
    const reports = captureReports();
    const healthy = await receiver();
    initSentry(healthy.dsn);
    const run = await failingCalls(sdk, 3);
    await run.call();
    await run.close();
    expect(healthy.events()).toHaveLength(6);
    expect(reports()).toEqual([]);
  });
});
