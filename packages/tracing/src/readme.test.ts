/**
 * The README runs as written: its OpenTelemetry setup, server and client snippets (checked files in
 * test/fixtures) export one trace to a local OTLP receiver, and its install line lists every package
 * those snippets import.
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OTLP_SPAN_KIND_CLIENT,
  OTLP_SPAN_KIND_SERVER,
  type OtlpReceiver,
  startOtlpReceiver,
} from '../test/otlp-receiver.js';

const fixture = (name: string) => new URL(`../test/fixtures/${name}`, import.meta.url);
const SNIPPET_FILES = ['opentelemetry-setup.ts', 'readme-server.ts', 'readme-client.ts'];

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

describe('README', () => {
  it('its snippets produce one trace from the client into the server, exported over OTLP/HTTP', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    const { tracerProvider } = await import('../test/fixtures/opentelemetry-setup.js');
    const { server } = await import('../test/fixtures/readme-server.js');
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID });
    await server.connect(transport);
    const http = createServer((request, response) => void transport.handleRequest(request, response));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    process.env.MCP_URL = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    const { client, result } = await import('../test/fixtures/readme-client.js');
    expect(result).toEqual({ content: [{ type: 'text', text: 'Sunny in Paris' }] });
    await client.close();
    await server.close();
    http.closeAllConnections();
    http.close();
    await tracerProvider.forceFlush();

    const spans = receiver.spans().filter((span) => span.name === 'tools/call get-weather');
    expect(spans.map((span) => span.kind).sort()).toEqual([OTLP_SPAN_KIND_SERVER, OTLP_SPAN_KIND_CLIENT]);
    const clientSpan = spans.find((span) => span.kind === OTLP_SPAN_KIND_CLIENT)!;
    const serverSpan = spans.find((span) => span.kind === OTLP_SPAN_KIND_SERVER)!;
    expect(serverSpan.traceId).toBe(clientSpan.traceId);
    expect(serverSpan.parentSpanId).toBe(clientSpan.spanId);
    expect(serverSpan.resource['service.name']).toBe('weather-mcp');
    expect(receiver.received.every(({ path }) => path === '/v1/traces')).toBe(true);
  });

  it('its install line lists every package its snippets import', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const install = /```sh\n(npm install [^\n]+)\n```/.exec(readme)?.[1];
    const listed = new Set(install?.split(/\s+/).slice(2));
    const imported = new Set<string>();
    for (const file of SNIPPET_FILES) {
      const text = readFileSync(fixture(file), 'utf8');
      const region = text.slice(text.indexOf('// #region'), text.indexOf('// #endregion'));
      for (const [, specifier] of region.matchAll(/from '([^']+)'/g)) {
        const parts = specifier!.split('/');
        imported.add(specifier!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
    }
    expect([...imported].filter((name) => !listed.has(name))).toEqual([]);
    // Every snippet of the README comes from one of these files.
    const snippets = [...readme.matchAll(/<!-- snippet: ([^#\s]+)#/g)].map((match) => match[1]);
    expect(snippets.map((path) => path?.split('/').pop()).sort()).toEqual([...SNIPPET_FILES].sort());
  });
});
