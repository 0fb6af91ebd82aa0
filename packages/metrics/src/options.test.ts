import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer } from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseExposition, select, total } from '../test/exposition-parser.js';
import { DEFAULT_DURATION_BUCKETS, type MetricsOptions, metrics, renderRegistry } from './index.js';

async function workload(options: MetricsOptions): Promise<ReturnType<typeof parseExposition>> {
  const registry = options.registry ?? new Registry();
  const server = observe(createExampleServer({ sdk: 'v1' })).use(metrics({ ...options, registry }));
  const client = await connectInMemory(server, 'v1');
  await client.callTool('echo', { text: 'hi' });
  await client.callTool('soft_fail');
  await client.callTool('fail');
  await client.getPrompt('greet', { name: 'Ada' });
  await client.close();
  return parseExposition(await registry.metrics());
}

describe('options', () => {
  it('defaults to the OpenTelemetry bucket advice', async () => {
    const samples = await workload({});
    const buckets = select(samples, 'mcp_server_operation_duration_seconds_bucket', {
      gen_ai_tool_name: 'echo',
    });
    expect(buckets.map((sample) => sample.labels.le)).toEqual([
      ...DEFAULT_DURATION_BUCKETS.map(String),
      '+Inf',
    ]);
    expect(DEFAULT_DURATION_BUCKETS).toEqual([
      0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
    ]);
    const sessions = select(samples, 'mcp_server_session_duration_seconds_bucket');
    expect(sessions.map((sample) => sample.labels.le)).toEqual([
      ...DEFAULT_DURATION_BUCKETS.map(String),
      '+Inf',
    ]);
  });

  it('prefix, buckets and sessionBuckets', async () => {
    const samples = await workload({ prefix: 'weather_', buckets: [0.001, 1], sessionBuckets: [60, 3600] });
    expect(samples.every((sample) => sample.name.startsWith('weather_'))).toBe(true);
    const buckets = select(samples, 'weather_mcp_server_operation_duration_seconds_bucket', {
      gen_ai_tool_name: 'echo',
    });
    expect(buckets.map((sample) => sample.labels.le)).toEqual(['0.001', '1', '+Inf']);
    const sessions = select(samples, 'weather_mcp_server_session_duration_seconds_bucket');
    expect(sessions.map((sample) => sample.labels.le)).toEqual(['60', '3600', '+Inf']);
  });

  it('static labels appear on every series', async () => {
    const samples = await workload({ staticLabels: { service: 'weather', region: 'eu' } });
    expect(samples.length).toBeGreaterThan(50);
    expect(
      samples.every((sample) => sample.labels.service === 'weather' && sample.labels.region === 'eu'),
    ).toBe(true);
  });

  it('dropped labels disappear and their series merge', async () => {
    const samples = await workload({
      dropLabels: [
        'gen_ai_tool_name',
        'gen_ai_prompt_name',
        'gen_ai_operation_name',
        'rpc_response_status_code',
        'mcp_error_side',
        'mcp_tool_error_reason',
        'mcp_protocol_version',
        'network_transport',
        'network_protocol_name',
      ],
    });
    const calls = select(samples, 'mcp_server_operation_duration_seconds_count', {
      mcp_method_name: 'tools/call',
    });
    expect(calls.map((sample) => [sample.labels, sample.value])).toEqual([
      [{ mcp_method_name: 'tools/call', error_type: '', mcp_request_outcome: 'ok' }, 1],
      [{ mcp_method_name: 'tools/call', error_type: 'tool_error', mcp_request_outcome: 'tool_error' }, 2],
    ]);
    expect(select(samples, 'mcp_server_session_duration_seconds_count')[0]!.labels).toEqual({});
    // A family whose only label is its subject keeps it.
    expect(
      select(samples, 'mcp_server_transport_errors_total').map((sample) => sample.labels.mcp_error_side),
    ).toEqual(['client', 'server']);
  });

  it('default metrics are opt-in, prefixed, labelled, and collected once per registry', async () => {
    expect((await workload({})).some((sample) => sample.name.startsWith('process_'))).toBe(false);
    const registry = new Registry();
    const samples = await workload({
      registry,
      defaultMetrics: true,
      prefix: 'app_',
      staticLabels: { service: 'w' },
    });
    const cpu = select(samples, 'app_process_cpu_user_seconds_total');
    expect(cpu).toHaveLength(1);
    expect(cpu[0]!.labels).toEqual({ service: 'w' });
    expect(() =>
      metrics({ registry, defaultMetrics: true, prefix: 'app_', staticLabels: { service: 'w' } }),
    ).not.toThrow();
  });

  it('rejects options that would produce broken metrics', () => {
    expect(() => metrics({ registry: new Registry(), dropLabels: ['mcp_method_name'] })).toThrow(
      /cannot drop/,
    );
    expect(() => metrics({ registry: new Registry(), dropLabels: ['gen_ai_tool'] })).toThrow(/cannot drop/);
    expect(() => metrics({ registry: new Registry(), buckets: [1, 0.5] })).toThrow(/ascending/);
    expect(() => metrics({ registry: new Registry(), buckets: [] })).toThrow(/ascending/);
    expect(() => metrics({ registry: new Registry(), staticLabels: { mcp_request_outcome: 'x' } })).toThrow(
      /own labels/,
    );
    expect(() => metrics({ registry: new Registry(), staticLabels: { 'bad-name': 'x' } })).toThrow(
      /not a valid/,
    );
    expect(() => metrics({ registry: new Registry(), prefix: 'bad prefix ' })).toThrow(/Invalid metric name/);
  });

  it('`cluster` changes nothing outside cluster workers (workers: see cluster.test.ts)', () => {
    expect(Object.keys(metrics({ registry: new Registry() }).routes ?? {})).toEqual(['/metrics']);
    expect(Object.keys(metrics({ registry: new Registry(), cluster: true }).routes ?? {})).toEqual([
      '/metrics',
    ]);
  });

  it('`exemplars: false` wins over getExemplarLabels', async () => {
    const registry = new Registry();
    await workload({ registry, exemplars: false, getExemplarLabels: () => ({ trace_id: 'abc' }) });
    expect(await renderRegistry(registry, 'openmetrics')).not.toContain('trace_id');
    const withExemplars = new Registry();
    await workload({ registry: withExemplars, getExemplarLabels: () => ({ trace_id: 'abc' }) });
    expect(await renderRegistry(withExemplars, 'openmetrics')).toContain('# {trace_id="abc"}');
  });

  it('records nothing client-supplied beyond the bounded labels', async () => {
    const samples = await workload({});
    const labelNames = new Set(samples.flatMap((sample) => Object.keys(sample.labels)));
    expect([...labelNames].sort()).toEqual(
      [
        'error_type',
        'gen_ai_operation_name',
        'gen_ai_prompt_name',
        'gen_ai_tool_name',
        'le',
        'mcp_error_side',
        'mcp_method_name',
        'mcp_notification_direction',
        'mcp_protocol_version',
        'mcp_request_outcome',
        'mcp_tool_error_reason',
        'network_protocol_name',
        'network_transport',
        'rpc_response_status_code',
      ].sort(),
    );
    expect(total(samples, 'mcp_server_operation_duration_seconds_count')).toBe(5);
  });
});
