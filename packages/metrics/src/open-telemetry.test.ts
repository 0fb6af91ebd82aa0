/**
 * `openTelemetryMetrics()` with a real @opentelemetry/sdk-metrics MeterProvider and a pull reader:
 * exact counts, the conventions' attributes, bounded values, and the global provider.
 */
import { type Diagnostic, observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import { metrics as metricsApi } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type Point, pointTotal, startMeter, type TestMeter } from '../test/meter.js';
import { addPingClientTool } from '../test/plugins.js';
import { DEFAULT_DURATION_BUCKETS } from './index.js';
import { INSTRUMENT_NAMES, METRICS_DIAGNOSTIC_CODES, openTelemetryMetrics } from './opentelemetry.js';

const OPERATION = INSTRUMENT_NAMES.operationDuration;
const meters: TestMeter[] = [];
afterEach(async () => {
  for (const meter of meters.splice(0)) await meter.shutdown();
  metricsApi.disable();
});

function meter(): TestMeter {
  const started = startMeter();
  meters.push(started);
  return started;
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('records exact counts per method and tool, with the conventions’ attributes', async () => {
    const { provider, collect } = meter();
    const server = observe(createExampleServer({ sdk })).use(
      openTelemetryMetrics({ meterProvider: provider }),
    );
    addPingClientTool(server);
    const client = await connectInMemory(server, sdk);
    for (let index = 0; index < 3; index++) await client.callTool('echo', { text: `hello ${index}` });
    await client.callTool('soft_fail');
    await client.callTool('fail');
    await client.callTool('ping_client');
    await client.getPrompt('greet', { name: 'Ada' });
    await client.request('no/such/method', {}).catch(() => undefined);
    await client.close();

    const points = await collect();
    const operations = points.filter((point) => point.name === OPERATION);
    const echo = operations.filter((point) => point.attributes['gen_ai.tool.name'] === 'echo');
    expect(echo.map((point) => [point.attributes, point.value, point.unit])).toEqual([
      [
        {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 'echo',
          'gen_ai.operation.name': 'execute_tool',
          'mcp.request.outcome': 'ok',
          'mcp.protocol.version': echo[0]!.attributes['mcp.protocol.version'],
        },
        3,
        's',
      ],
    ]);
    expect(echo[0]!.boundaries).toEqual(DEFAULT_DURATION_BUCKETS);
    expect(
      pointTotal(points, OPERATION, {
        'gen_ai.tool.name': 'soft_fail',
        'error.type': 'tool_error',
        'mcp.error.side': 'tool',
        'mcp.tool.error_reason': 'handler_returned_error',
      }),
    ).toBe(1);
    expect(
      pointTotal(points, OPERATION, {
        'gen_ai.tool.name': 'fail',
        'error.type': 'tool_error',
        'mcp.error.side': 'server',
        'mcp.tool.error_reason': 'handler_threw',
      }),
    ).toBe(1);
    expect(
      pointTotal(points, OPERATION, { 'mcp.method.name': 'prompts/get', 'gen_ai.prompt.name': 'greet' }),
    ).toBe(1);
    // An unknown method is folded, never recorded verbatim, and carries its JSON-RPC code twice.
    const unknown = operations.filter((point) => point.attributes['mcp.method.name'] === '_OTHER');
    expect(
      unknown.map((point) => [
        point.attributes['error.type'],
        point.attributes['rpc.response.status_code'],
        point.value,
      ]),
    ).toEqual([['-32601', '-32601', 1]]);
    expect(unknown[0]!.attributes['mcp.error.side']).toBe('client');
    expect(JSON.stringify(points).includes('no/such/method')).toBe(false);
    expect(pointTotal(points, OPERATION, { 'mcp.method.name': 'tools/call' })).toBe(6);
    expect(pointTotal(points, OPERATION)).toBe(9);
    // The server's own ping to the client: the sender's histogram.
    expect(
      pointTotal(points, INSTRUMENT_NAMES.clientOperationDuration, {
        'mcp.method.name': 'ping',
        'mcp.request.outcome': 'ok',
      }),
    ).toBe(1);
    expect(pointTotal(points, INSTRUMENT_NAMES.activeRequests)).toBe(0);
    expect(
      pointTotal(points, INSTRUMENT_NAMES.notifications, {
        'mcp.method.name': 'notifications/message',
        'mcp.notification.direction': 'outbound',
      }),
    ).toBe(1);
  });

  it('records one session duration per closed session', async () => {
    const { provider, collect } = meter();
    const plugin = openTelemetryMetrics({ meterProvider: provider });
    const clients = await Promise.all(
      [0, 1, 2].map(() => connectInMemory(observe(createExampleServer({ sdk })).use(plugin), sdk)),
    );
    expect(pointTotal(await collect(), INSTRUMENT_NAMES.activeSessions)).toBe(3);
    await clients[0]!.close();
    await clients[1]!.close();
    let points: Point[] = await collect();
    const sessions = () => points.filter((point) => point.name === INSTRUMENT_NAMES.sessionDuration);
    expect(sessions().map((point) => point.value)).toEqual([2]);
    expect(pointTotal(points, INSTRUMENT_NAMES.activeSessions)).toBe(1);
    await clients[2]!.close();
    points = await collect();
    expect(sessions().map((point) => [Object.keys(point.attributes), point.value, point.unit])).toEqual([
      [['mcp.protocol.version'], 3, 's'],
    ]);
    expect(pointTotal(points, INSTRUMENT_NAMES.activeSessions)).toBe(0);
  });
});

describe('the meter provider', () => {
  it('is the global one when omitted, read when the plugin is first attached', async () => {
    const plugin = openTelemetryMetrics();
    const { provider, collect } = meter();
    metricsApi.setGlobalMeterProvider(provider);
    const client = await connectInMemory(observe(createExampleServer({ sdk: 'v1' })).use(plugin), 'v1');
    await client.callTool('echo', { text: 'global' });
    await client.close();
    expect(pointTotal(await collect(), OPERATION, { 'gen_ai.tool.name': 'echo' })).toBe(1);
  });

  it('without any provider: reported once, every answer unchanged', async () => {
    const diagnostics: Diagnostic[] = [];
    const server = observe(createExampleServer({ sdk: 'v1' }), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    }).use(openTelemetryMetrics());
    const client = await connectInMemory(server, 'v1');
    expect(await client.callTool('echo', { text: 'nobody listens' })).toEqual({
      content: [{ type: 'text', text: 'nobody listens' }],
    });
    await client.close();
    expect(diagnostics.map((diagnostic) => [diagnostic.plugin, diagnostic.code])).toEqual([
      ['metrics', METRICS_DIAGNOSTIC_CODES.noMeterProvider],
    ]);
  });
});
