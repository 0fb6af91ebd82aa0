/**
 * Session durations by protocol version, network transport and protocol name: one plugin instance
 * attached to an in-memory server and to a Streamable HTTP server records one series for each.
 */
import { observe } from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  startHttpServer,
} from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually.js';
import { select, total } from '../test/exposition-parser.js';
import { scrapeRegistry } from '../test/scrape.js';
import { metrics } from './index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('an in-memory and an HTTP session end in two series, labelled with their transport', async () => {
    const registry = new Registry();
    const plugin = metrics({ registry });
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(createExampleServer({ sdk })).use(plugin),
    });
    cleanups.push(() => http.close());

    const inMemory = await connectInMemory(observe(createExampleServer({ sdk })).use(plugin), sdk);
    const overHttp = await connectHttp(sdk, http.url);
    await inMemory.callTool('echo', { text: 'in memory' });
    await overHttp.callTool('echo', { text: 'over http' });
    expect(total(await scrapeRegistry(registry), 'mcp_server_active_sessions')).toBe(2);
    await inMemory.close();
    const transport = overHttp.raw.transport as unknown as { terminateSession(): Promise<void> };
    await transport.terminateSession();
    await overHttp.close();

    await eventually(async () => {
      const samples = await scrapeRegistry(registry);
      expect(total(samples, 'mcp_server_active_sessions')).toBe(0);
      const version = select(samples, 'mcp_server_operation_duration_seconds_count')[0]!.labels
        .mcp_protocol_version;
      expect(
        select(samples, 'mcp_server_session_duration_seconds_count').map((sample) => [
          sample.labels,
          sample.value,
        ]),
      ).toEqual([
        [{ mcp_protocol_version: version, network_transport: '', network_protocol_name: '' }, 1],
        [{ mcp_protocol_version: version, network_transport: 'tcp', network_protocol_name: 'http' }, 1],
      ]);
    });
  });
});
