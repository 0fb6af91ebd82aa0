/**
 * One Grafana dashboard serves both backends: the same workload recorded by `metrics()` (prom-client)
 * and by `openTelemetryMetrics()` (a real @opentelemetry/sdk-metrics MeterProvider read by
 * @opentelemetry/exporter-prometheus) scrapes to the same metric names, label names, label values,
 * bucket boundaries and values, once translated as OpenTelemetry's Prometheus compatibility rules say
 * (and as the Collector's prometheus exporter does): a unit suffix (`s` → `_seconds`, `By` → `_bytes`;
 * the JS exporter 0.223 writes the unit as `# UNIT` metadata but does not append it), an empty label is
 * no label (Prometheus stores both alike), and the exporter's own `otel_scope_*` labels and
 * `target_info` are not ours.
 */
import { nodeHandler, observe } from '@mcpscope/core';
import { connectHttp, createExampleServer, SDK_VERSIONS, startHttpServer } from '@mcpscope/test-kit';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition, type Sample } from '../test/exposition-parser.js';
import { addPingClientTool, refusingPlugin } from '../test/plugins.js';
import { metrics, type RecordingOptions, renderRegistry } from './index.js';
import { openTelemetryMetrics } from './opentelemetry.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const UNIT_SUFFIXES: Readonly<Record<string, string>> = { s: '_seconds', By: '_bytes' };

/** The JS exporter's text, translated as the Collector translates the same instruments. */
function translated(text: string): Map<string, number> {
  const suffixes = new Map<string, string>();
  for (const [, name, unit] of text.matchAll(/^# UNIT (\S+) (\S+)$/gm)) {
    suffixes.set(name!, UNIT_SUFFIXES[unit!] ?? '');
  }
  const samples = parseExposition(text)
    .filter((sample) => sample.name !== 'target_info')
    .map((sample) => {
      const family = [...suffixes.keys()].find((name) =>
        new RegExp(`^${name}(_bucket|_sum|_count)$`).test(sample.name),
      );
      const name =
        family === undefined ? sample.name : sample.name.replace(family, `${family}${suffixes.get(family)}`);
      const labels = Object.fromEntries(
        Object.entries(sample.labels).filter(([label]) => !label.startsWith('otel_scope_')),
      );
      return { ...sample, name, labels };
    });
  return keyed(samples);
}

/** Samples by name and sorted non-empty labels. */
function keyed(samples: readonly Sample[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const sample of samples) {
    const labels = Object.entries(sample.labels)
      .filter(([, value]) => value !== '')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, value]) => `${label}=${JSON.stringify(value)}`);
    result.set(`${sample.name}{${labels.join(',')}}`, sample.value);
  }
  return result;
}

function scrapeExporter(exporter: PrometheusExporter): Promise<string> {
  return new Promise((resolve) => {
    const response = { statusCode: 0, setHeader() {}, end: (body: string) => resolve(body) };
    exporter.getMetricsRequestHandler({} as never, response as never);
  });
}

describe.each(SDK_VERSIONS)('SDK %s over Streamable HTTP', (sdk) => {
  it('prom-client and OpenTelemetry scrape to the same names, labels, values and buckets', async () => {
    const registry = new Registry();
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    cleanups.push(() => provider.shutdown());
    const shared: RecordingOptions = {
      payloadSizes: true,
      customLabels: {
        tenant: {
          values: ['acme'],
          value: (request) =>
            (request.params?.arguments as { text?: string } | undefined)?.text === 'acme'
              ? 'acme'
              : undefined,
        },
      },
    };
    const prometheus = metrics({ registry, ...shared });
    const openTelemetry = openTelemetryMetrics({ meterProvider: provider, ...shared });
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => {
        const server = observe(createExampleServer({ sdk })).use(
          refusingPlugin('add'),
          prometheus,
          openTelemetry,
        );
        addPingClientTool(server);
        return server;
      },
      routes: nodeHandler([prometheus]),
    });
    cleanups.push(() => http.close());

    const client = await connectHttp(sdk, http.url);
    await client.callTool('echo', { text: 'acme' });
    await client.callTool('echo', { text: 'someone else' });
    await client.callTool('soft_fail');
    await client.callTool('fail');
    await client.callTool('ping_client');
    await client.callTool('add', { a: 1, b: 2 }).catch(() => undefined);
    await client.callTool('no_such_tool').catch(() => undefined);
    await client.getPrompt('greet', { name: 'Ada' });
    await client.readResource('config://app');
    await client.request('no/such/method', {}).catch(() => undefined);
    // Junk the transport rejects: a client-side transport error.
    await fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":',
    });
    const transport = client.raw.transport as unknown as { terminateSession(): Promise<void> };
    await transport.terminateSession();
    await client.close();

    const fromPromClient = keyed(parseExposition(await renderRegistry(registry, 'prometheus')));
    const fromOpenTelemetry = translated(await scrapeExporter(exporter));
    expect(fromOpenTelemetry).toEqual(fromPromClient);

    // The comparison covered every family, with the labels the dashboards query.
    const names = new Set([...fromPromClient.keys()].map((key) => key.slice(0, key.indexOf('{'))));
    expect([...names].sort()).toEqual(
      [
        'mcp_client_operation_duration_seconds_bucket',
        'mcp_client_operation_duration_seconds_count',
        'mcp_client_operation_duration_seconds_sum',
        'mcp_server_active_requests',
        'mcp_server_active_sessions',
        'mcp_server_notifications_total',
        'mcp_server_operation_duration_seconds_bucket',
        'mcp_server_operation_duration_seconds_count',
        'mcp_server_operation_duration_seconds_sum',
        'mcp_server_refused_requests_total',
        'mcp_server_request_size_bytes_bucket',
        'mcp_server_request_size_bytes_count',
        'mcp_server_request_size_bytes_sum',
        'mcp_server_response_size_bytes_bucket',
        'mcp_server_response_size_bytes_count',
        'mcp_server_response_size_bytes_sum',
        'mcp_server_session_duration_seconds_bucket',
        'mcp_server_session_duration_seconds_count',
        'mcp_server_session_duration_seconds_sum',
        'mcp_server_transport_errors_total',
      ].sort(),
    );
    const echoAcme = [...fromPromClient].filter(
      ([key]) =>
        key.startsWith('mcp_server_operation_duration_seconds_count{') && key.includes('tenant="acme"'),
    );
    expect(echoAcme.map(([key, value]) => [key.includes('gen_ai_tool_name="echo"'), value])).toEqual([
      [true, 1],
    ]);
    expect(fromPromClient.get('mcp_server_transport_errors_total{mcp_error_side="client"}')).toBe(1);
    expect(
      [...fromPromClient.keys()].filter((key) =>
        key.startsWith('mcp_server_operation_duration_seconds_bucket{'),
      ).length,
    ).toBe(
      15 *
        [...fromPromClient.keys()].filter((key) =>
          key.startsWith('mcp_server_operation_duration_seconds_count{'),
        ).length,
    );
  });
});
