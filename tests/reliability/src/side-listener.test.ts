/**
 * The side listener (for stdio servers) binds 127.0.0.1 unless told otherwise: the listening socket's
 * address is read from the kernel (/proc/net/tcp and tcp6), not from what core says. `/metrics` with
 * `bearerToken` and verbose health with its `bearerToken` refuse requests without the token.
 */
import { readFileSync } from 'node:fs';
import { sideListenerAddress } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { inMemoryTracing } from '../test/otel.js';
import { sentryForSuite } from '../test/sentry-endpoint.js';
import { createStack } from '../test/stack.js';

const METRICS_TOKEN = 'metrics-token-4c1e';
const HEALTH_TOKEN = 'health-token-9b2d';
sentryForSuite();
const otel = inMemoryTracing();

/** Local addresses (kernel hex notation) of the sockets listening on `port`. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local === undefined || state !== '0A') continue; // 0A: LISTEN
      const [address, socketPort] = local.split(':');
      if (socketPort === hexPort) found.push(address!);
    }
  }
  return found;
}

async function get(url: string, authorization?: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, authorization === undefined ? {} : { headers: { authorization } });
  return { status: response.status, body: await response.text() };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('binds 127.0.0.1 by default and guards /metrics and verbose health with their tokens', async () => {
    const stack = createStack({
      tracerProvider: otel.provider,
      metrics: { bearerToken: METRICS_TOKEN },
      health: { bearerToken: HEALTH_TOKEN },
    });
    const server = stack.observe(createExampleServer({ sdk }), { listen: { port: 0 } });
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'counted' });
    const { host, port, url } = await sideListenerAddress(server);
    try {
      expect(host).toBe('127.0.0.1');
      // The kernel's view: one listening socket on that port, bound to 127.0.0.1 (0100007F), none on ::.
      expect(listeningAddresses(port)).toEqual(['0100007F']);

      for (const authorization of [undefined, 'Bearer wrong', `Basic ${METRICS_TOKEN}`]) {
        const refused = await get(`${url}/metrics`, authorization);
        expect(refused.status).toBe(401);
        expect(refused.body).not.toContain('mcp_server');
      }
      const scraped = await get(`${url}/metrics`, `Bearer ${METRICS_TOKEN}`);
      expect(scraped.status).toBe(200);
      expect(scraped.body).toContain(
        'mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call"',
      );

      expect((await get(`${url}/readyz`)).status).toBe(200);
      for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}`]) {
        const refused = await get(`${url}/readyz?verbose`, authorization);
        expect(refused.status).toBe(401);
        expect(refused.body).not.toContain('memory:heapUsed');
      }
      const verbose = await get(`${url}/readyz?verbose`, `Bearer ${HEALTH_TOKEN}`);
      expect(verbose.status).toBe(200);
      expect(verbose.body).toContain('memory:heapUsed');
      expect(stack.failures).toEqual([]);
    } finally {
      await client.close();
      await server.close();
      stack.dispose();
    }
    // Closing the server closes its side listener.
    expect(listeningAddresses(port)).toEqual([]);
  });
});
