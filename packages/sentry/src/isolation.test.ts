/**
 * What a handler sets on Sentry's scope never reaches another request's events, with 50 calls in
 * flight at once, with and without the real tracing plugin (Sentry in its default mode: its own async
 * context). Each request forks exactly one isolation scope, successful ones included.
 */
import { endpointFacts, type McpscopePlugin, observe } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  exceptionOf,
  SDK_VERSIONS,
  type SentryReceiver,
  startSentryReceiver,
  waitFor,
} from '@mcpscope/test-kit';
import { tracing } from '@mcpscope/tracing';
import * as Sentry from '@sentry/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initSentryEveryEvent } from '../test/init-sentry.js';
import { countIsolationForks, type ForkCounter } from '../test/isolation-forks.js';
import { type OpenTelemetrySdk, startOpenTelemetry } from '../test/open-telemetry.js';
import { addTaggingTools } from '../test/tagging-tools.js';
import { sentry } from './index.js';

const CALLS = 50;
let receiver: SentryReceiver;
let otel: OpenTelemetrySdk;
let forks: ForkCounter;

beforeAll(async () => {
  otel = startOpenTelemetry();
  receiver = await startSentryReceiver();
  initSentryEveryEvent(receiver.dsn);
  forks = countIsolationForks();
});

afterEach(() => {
  receiver.clear();
  forks.reset();
});

afterAll(async () => {
  forks.restore();
  await Sentry.close(2_000);
  await receiver.close();
  await otel.shutdown();
});

const setups: [string, () => McpscopePlugin[]][] = [
  ['sentry alone', () => [sentry()]],
  ['tracing, then sentry', () => [tracing({ tracerProvider: otel.provider }), sentry()]],
  ['sentry, then tracing', () => [sentry(), tracing({ tracerProvider: otel.provider })]],
];

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it.each(setups)(
    '%s: 50 concurrent failing calls, each event carries only its own scope data',
    async (_, plugins) => {
      const server = observe(createExampleServer({ sdk }));
      const names = addTaggingTools(server, CALLS);
      server.use(...plugins());
      const client = await connectInMemory(server, sdk);
      await client.callTool('echo', { text: 'warm' });
      forks.reset();
      const results = await Promise.all(names.map((name) => client.callTool(name)));
      expect(results.filter((result) => result.isError === true)).toHaveLength(CALLS);
      await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
      // One fork per request while dispatching; none while capturing (captures reuse the request's scopes).
      expect(forks.count).toBe(CALLS);
      expect(await Sentry.flush(5_000)).toBe(true);
      await client.close();
      await server.close();

      const events = receiver.events();
      expect(events).toHaveLength(CALLS);
      for (const event of events) {
        const name = event.tags?.['gen_ai.tool.name'];
        expect(exceptionOf(event)?.value).toBe(`failure of ${name} (currentRequest is this call)`);
        expect(event.tags?.['handler.call']).toBe(name);
        expect(event.user).toEqual({ id: `user-of-${name}` });
        const handlerCrumbs = (event.breadcrumbs ?? []).filter((crumb) => crumb.category === 'handler');
        expect(handlerCrumbs.map((crumb) => crumb.message)).toEqual([`crumb of ${name}`]);
      }
      expect(new Set(events.map((event) => event.tags?.['gen_ai.tool.name']))).toEqual(new Set(names));
      // Nothing a handler set reached the scopes outside the requests.
      expect(Sentry.getIsolationScope().getScopeData().tags).not.toHaveProperty('handler.call');
    },
  );

  it.each(setups)('%s: a successful call forks one isolation scope and sends nothing', async (_, plugins) => {
    const server = observe(createExampleServer({ sdk })).use(...plugins());
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'warm' });
    forks.reset();
    for (let index = 0; index < 10; index++) await client.callTool('echo', { text: `call ${index}` });
    expect(forks.count).toBe(10);
    await client.close();
    await server.close();
    expect(await Sentry.flush(5_000)).toBe(true);
    expect(receiver.envelopes).toEqual([]);
  });
});
