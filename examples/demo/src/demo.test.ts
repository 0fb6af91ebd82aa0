import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startExample } from './example-process.js';
import { finalMetrics, total } from './otlp-metrics.js';
import { startOtlpReceiver, startSentryReceiver } from './receivers.js';
import { connectClient } from './workload.js';

describe('the demo (the README’s first command)', () => {
  it('drives the example, prints what every plugin saw, and exits 0 leaving nothing running', () => {
    const demo = fileURLToPath(new URL('./demo.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', demo], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const output = run.stdout;
    for (const section of [
      'Workload',
      'Metrics (read back from /metrics)',
      'Health',
      'Graceful shutdown',
      'Logs',
      'Trace of one request',
      'Metrics the example exported over OTLP',
      'Errors Sentry received',
    ]) {
      expect(output).toContain(section);
    }
    // Read back from /metrics: every radar call threw, every unknown tool was the model's mistake.
    expect(output).toMatch(/radar_image\s+8\s+100%.*handler_threw ×8/);
    expect(output).toMatch(/\(unknown\)\s+4\s+100%.*unknown_tool ×4/);
    expect(output).toMatch(/get_forecast\s+107\s+6%.*invalid_arguments ×6/);
    expect(output).toMatch(/slow_report\s+5\s+60%.*cancelled ×3/);
    expect(output).toContain('refused by plugins: get_alerts 5 (rate-limit: rate_limited, per tool)');
    expect(output).toContain('sessions ended: 5; requests in flight now: 0');
    expect(output).toContain('status: pass');
    expect(output).toContain('the example exited with code 0');
    // The trace crosses the client, the server and the tool's upstream call; the server's service name is
    // OTEL_SERVICE_NAME's, read by the example's NodeSDK.
    expect(output).toMatch(
      /tools\/call get_forecast \[CLIENT, demo client\][\s\S]*tools\/call get_forecast \[SERVER, weather-mcp-demo\][\s\S]*weather-api GET \/forecast \[INTERNAL, weather-mcp-demo\]/,
    );
    // Received over OTLP/HTTP and decoded: the instruments of @mcpscope/metrics/opentelemetry, on the resource
    // of OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the same figures as /metrics (the last export is the
    // one sdk.shutdown() makes in the drain, after every call).
    expect(output).toContain('resource: service.name=weather-mcp-demo deployment.environment.name=demo');
    const instruments = [
      ...output.matchAll(/^ {2}(mcp\.[a-z_.]+)(?: \((\w+)\))? +(\w+) +(\d+) +(\d+) {2}(\S+)$/gm),
    ].map(([, name, unit, kind, , totalValue, scope]) => ({
      name,
      unit,
      kind,
      total: Number(totalValue),
      scope,
    }));
    expect(instruments).toEqual([
      {
        name: 'mcp.server.active_requests',
        unit: undefined,
        kind: 'updowncounter',
        total: 0,
        scope: '@mcpscope/metrics',
      },
      {
        name: 'mcp.server.active_sessions',
        unit: undefined,
        kind: 'updowncounter',
        total: 0,
        scope: '@mcpscope/metrics',
      },
      {
        name: 'mcp.server.notifications',
        unit: undefined,
        kind: 'counter',
        total: 18,
        scope: '@mcpscope/metrics',
      },
      {
        name: 'mcp.server.operation.duration',
        unit: 's',
        kind: 'histogram',
        total: 177,
        scope: '@mcpscope/metrics',
      },
      {
        name: 'mcp.server.refused_requests',
        unit: undefined,
        kind: 'counter',
        total: 5,
        scope: '@mcpscope/metrics',
      },
      {
        name: 'mcp.server.session.duration',
        unit: 's',
        kind: 'histogram',
        total: 5,
        scope: '@mcpscope/metrics',
      },
      {
        name: 'mcp.server.transport_errors',
        unit: undefined,
        kind: 'counter',
        total: 0,
        scope: '@mcpscope/metrics',
      },
    ]);
    // tools/call per tool: the workload's 66 + 40 forecast calls and the traced one; 8 radar calls; 4 unknown tools.
    expect(output).toContain(
      'tools/call observations by gen_ai.tool.name: _OTHER 4, convert 17, get_alerts 20, get_forecast 107, radar_image 8, slow_report 5',
    );
    expect(output).toContain(
      '8 × {mcp.method.name=tools/call gen_ai.tool.name=radar_image gen_ai.operation.name=execute_tool error.type=tool_error mcp.error.side=server mcp.request.outcome=tool_error mcp.tool.error_reason=handler_threw mcp.protocol.version=2025-11-25 network.transport=tcp network.protocol.name=http}',
    );
    expect(output).toContain('mcp.server.session.duration: 5 sessions over 1 attribute sets');
    // Sentry: one event per thrown radar error, nothing for client mistakes, each on its OTLP trace.
    expect(output).toContain('8 Sentry events');
    for (const station of ['LIS', 'OSL', 'NBO', 'YVR', 'KIX', 'MVD', 'KEF', 'PER']) {
      expect(output).toMatch(new RegExp(`1 × Error: radar station ${station} is offline`));
    }
    expect(output).not.toMatch(/× .*(Invalid arguments|not found)/);
    expect(output).toContain('8 of 8 events sit under the tools/call server span exported over OTLP');
    expect(output).toContain('7 OpenTelemetry instruments');
  });

  it('delivers the last metrics and spans through sdk.shutdown() in the drain (no periodic export before)', async () => {
    const [otlp, sentryEndpoint] = await Promise.all([startOtlpReceiver(), startSentryReceiver()]);
    const example = await startExample({
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '3600000', // an hour: only the shutdown can export
      OTEL_BSP_SCHEDULE_DELAY: '3600000',
      OTEL_SERVICE_NAME: 'weather-flush-test',
      SENTRY_DSN: `http://public@${new URL(sentryEndpoint.url).host}/1`,
    });
    const session = await connectClient(example.url, { name: 'flush-test', version: '1.0.0' });
    for (const city of ['Lisbon', 'Oslo', 'Perth']) {
      await session.client.callTool({ name: 'get_forecast', arguments: { city, days: 1 } });
    }
    await session.client.callTool({ name: 'radar_image', arguments: { station: 'KEF' } });
    await session.close();
    expect(otlp.metricExports()).toBe(0);
    expect(await example.stop()).toBe(0);
    await Promise.all([otlp.close(), sentryEndpoint.close()]);

    expect(otlp.metricExports()).toBe(1);
    const metrics = finalMetrics(otlp.metrics);
    const operations = metrics.get('mcp.server.operation.duration');
    const toolCalls = (tool: string) =>
      total(
        operations,
        (attributes) =>
          attributes['mcp.method.name'] === 'tools/call' && attributes['gen_ai.tool.name'] === tool,
      );
    expect(toolCalls('get_forecast')).toBe(3);
    expect(toolCalls('radar_image')).toBe(1);
    expect(total(metrics.get('mcp.server.session.duration'))).toBe(1);
    expect(new Set(otlp.metrics.map(({ resource }) => resource['service.name']))).toEqual(
      new Set(['weather-flush-test']),
    );
    // initialize, 4 tools/call SERVER spans and the two upstream spans they made.
    expect(otlp.spans.map((span) => span.name).sort()).toEqual([
      'initialize',
      'radar-api GET /image',
      'tools/call get_forecast',
      'tools/call get_forecast',
      'tools/call get_forecast',
      'tools/call radar_image',
      'weather-api GET /forecast',
      'weather-api GET /forecast',
      'weather-api GET /forecast',
    ]);
    expect(new Set(otlp.spans.map((span) => span.resource['service.name']))).toEqual(
      new Set(['weather-flush-test']),
    );
    // The Sentry event of the radar failure sits under its server span: Sentry did not take the tracer provider.
    const radar = otlp.spans.find((span) => span.name === 'tools/call radar_image')!;
    expect(sentryEndpoint.items.map((event) => event.contexts?.trace?.trace_id)).toEqual([radar.traceId]);
    expect(sentryEndpoint.items[0]!.contexts?.trace?.parent_span_id).toBe(radar.spanId);
  });
});
