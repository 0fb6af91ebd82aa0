import { nodeHandler, observe } from '@mcpscope/core';
import {
  connectHttp,
  createExampleServer,
  SDK_VERSIONS,
  SKIP_PROMETHEUS,
  startHttpServer,
  startPrometheus,
} from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually.js';
import { startTracing } from '../test/tracing.js';
import { metrics } from './index.js';

const tracing = startTracing();
afterAll(() => tracing.stop());
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const byTool = (samples: { metric: Record<string, string>; value: number }[]) =>
  Object.fromEntries(samples.map((sample) => [sample.metric.gen_ai_tool_name ?? '', sample.value]));

describe.skipIf(SKIP_PROMETHEUS).each(SDK_VERSIONS)('a real Prometheus (SDK %s)', (sdk) => {
  it('scrapes an observed HTTP server (OpenMetrics, bearer token) and answers PromQL and exemplar queries', async () => {
    const plugin = metrics({ registry: new Registry(), bearerToken: 'scrape-token' });
    tracing.reset();
    const http = await startHttpServer({
      sdk,
      mode: 'stateful',
      createServer: () => observe(createExampleServer({ sdk })).use(tracing.plugin(), plugin),
      routes: nodeHandler([plugin]),
    });
    cleanups.push(() => http.close());
    const prometheus = await startPrometheus({
      target: http.baseUrl.replace('http://', ''),
      bearerToken: 'scrape-token',
    });
    cleanups.push(() => prometheus.stop());
    const client = await connectHttp(sdk, http.url);
    cleanups.push(() => client.close());

    // Phase one, scraped before phase two so that rate() sees the increase.
    await client.callTool('echo', { text: 'one' });
    await client.callTool('echo', { text: 'two' });
    await eventually(async () => {
      const [sample] = await prometheus.query(
        'sum(mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",gen_ai_tool_name="echo"})',
      );
      expect(sample?.value).toBe(2);
    }, 20_000);

    for (let index = 0; index < 3; index++) await client.callTool('echo', { text: `more ${index}` });
    await client.callTool('add', { a: 1, b: 2 });
    await client.callTool('add', { a: 'one', b: 2 });
    await client.callTool('soft_fail');
    await eventually(async () => {
      const counts = await prometheus.query(
        'sum by (gen_ai_tool_name) (mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call"})',
      );
      expect(byTool(counts)).toEqual({ echo: 5, add: 2, soft_fail: 1 });
    }, 20_000);

    // The query: one series per tool (and one for methods without a tool); echo's rate is positive.
    await eventually(async () => {
      const rates = byTool(
        await prometheus.query(
          'sum by (gen_ai_tool_name) (rate(mcp_server_operation_duration_seconds_count[1m]))',
        ),
      );
      expect(Object.keys(rates).sort()).toEqual(['', 'add', 'echo', 'soft_fail']);
      expect(rates.echo).toBeGreaterThan(0);
    }, 20_000);

    const reasons = await prometheus.query(
      'sum by (mcp_tool_error_reason) (mcp_server_operation_duration_seconds_count{mcp_request_outcome="tool_error"})',
    );
    expect(
      Object.fromEntries(reasons.map((sample) => [sample.metric.mcp_tool_error_reason, sample.value])),
    ).toEqual({
      invalid_arguments: 1,
      handler_returned_error: 1,
    });
    const inFlight = await prometheus.query('sum(mcp_server_active_requests)');
    expect(inFlight[0]?.value).toBe(0);
    const sessions = await prometheus.query('mcp_server_active_sessions');
    expect(sessions.map((sample) => sample.value)).toEqual([1]);

    // Prometheus negotiated OpenMetrics and stored the exemplars: trace ids of the tracing plugin's spans.
    const traceIds = new Set(tracing.serverSpans().map((span) => span.spanContext().traceId));
    await eventually(async () => {
      const exemplars = await prometheus.exemplars(
        'mcp_server_operation_duration_seconds_bucket{mcp_method_name="tools/call"}',
      );
      expect(exemplars.length).toBeGreaterThan(0);
      for (const exemplar of exemplars) expect(traceIds.has(exemplar.labels.trace_id!)).toBe(true);
      expect(new Set(exemplars.map((exemplar) => exemplar.seriesLabels.gen_ai_tool_name))).toEqual(
        new Set(['echo', 'add', 'soft_fail']),
      );
    }, 20_000);
    const targets = await prometheus.targets();
    expect(targets.map((target) => [target.health, target.lastError])).toEqual([['up', '']]);
  });
});
