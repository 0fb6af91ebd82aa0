/**
 * Which carrier enters each request's async context while Sentry reports (its default mode, Sentry not
 * managing OpenTelemetry's context): this plugin's own carrier (priority 5) carries every request, so
 * a lower-priority carrier never runs; under a higher-priority carrier the plugin asks for no
 * OpenTelemetry fork of the isolation scope (the context key only Sentry's context manager reads).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type ContextCarrier,
  endpointFacts,
  type McpscopePlugin,
  observe,
  type RequestFacts,
} from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  exceptionOf,
  SDK_VERSIONS,
  type SdkVersion,
  type SentryReceiver,
  startSentryReceiver,
  TOOL_FAILURE_MESSAGE,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { sentry } from './index.js';

let receiver: SentryReceiver;

beforeAll(async () => {
  receiver = await startSentryReceiver();
  initSentryEveryEvent(receiver.dsn);
});

afterEach(() => {
  receiver.clear();
});

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
});

/** A carrier as core's contract describes one, recording the requests it carried and the context keys it got. */
function recordingCarrier(priority: number) {
  const requests = new AsyncLocalStorage<RequestFacts>();
  const carried: string[] = [];
  const keys: string[] = [];
  const plugin: McpscopePlugin = {
    name: `carrier-${priority}`,
    contextCarrier: {
      priority,
      run(request, values, callback) {
        carried.push(request.method);
        for (const key of values?.keys() ?? []) keys.push(String(key));
        requests.run(request, callback);
        return true;
      },
      currentRequest: () => requests.getStore(),
    } satisfies ContextCarrier,
  };
  return { plugin, carried, keys };
}

async function calls(sdk: SdkVersion, plugins: McpscopePlugin[]) {
  const server = observe(createExampleServer({ sdk })).use(...plugins);
  const client = await connectInMemory(server, sdk);
  await client.callTool('echo', { text: 'fine' });
  expect((await client.callTool('fail')).isError).toBe(true);
  await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
  expect(await Sentry.flush(5_000)).toBe(true);
  await client.close();
  await server.close();
  return receiver.events();
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it("this plugin's carrier carries every request: a lower-priority carrier never runs", async () => {
    const lower = recordingCarrier(1);
    const events = await calls(sdk, [lower.plugin, sentry()]);
    expect(lower.carried).toEqual([]);
    expect(events.map((event) => exceptionOf(event)?.value)).toEqual([TOOL_FAILURE_MESSAGE]);
  });

  it('under a higher-priority carrier Sentry does not manage, no OpenTelemetry fork is asked for', async () => {
    const higher = recordingCarrier(10);
    const events = await calls(sdk, [higher.plugin, sentry()]);
    expect(higher.carried).toEqual(['initialize', 'tools/call', 'tools/call']);
    expect(higher.keys).toEqual([]);
    expect(events.map((event) => exceptionOf(event)?.value)).toEqual([TOOL_FAILURE_MESSAGE]);
  });
});
