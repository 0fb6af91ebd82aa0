/**
 * `customLabels` and `ignore` on both backends, with real prom-client and a real MeterProvider: exact
 * series, `_OTHER` folding, ignored requests, and hooks that throw (reported once, answers unchanged).
 */
import { type Diagnostic, type McpscopePlugin, observe, type RequestFacts } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, type SdkVersion } from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { select } from '../test/exposition-parser.js';
import { pointTotal, startMeter, type TestMeter } from '../test/meter.js';
import { addPingClientTool } from '../test/plugins.js';
import { scrapeRegistry } from '../test/scrape.js';
import { type CustomLabels, METRICS_DIAGNOSTIC_CODES, metrics } from './index.js';
import { INSTRUMENT_NAMES, openTelemetryMetrics } from './opentelemetry.js';

const meters: TestMeter[] = [];
afterEach(async () => {
  for (const meter of meters.splice(0)) await meter.shutdown();
});

/** The tenant is the `text` argument of echo: a, b, anything else (folds), or none. */
const tenantOf = (request: RequestFacts) =>
  (request.params?.arguments as { text?: string } | undefined)?.text;
const customLabels: CustomLabels = { tenant: { values: ['a', 'b'], value: tenantOf } };
const ignore = (request: RequestFacts) => request.target === 'add';

async function workload(sdk: SdkVersion, ...plugins: McpscopePlugin[]) {
  const diagnostics: Diagnostic[] = [];
  const server = observe(createExampleServer({ sdk }), {
    onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
  }).use(...plugins);
  const client = await connectInMemory(server, sdk);
  const answers = [];
  for (const text of ['a', 'a', 'b', 'zzz']) answers.push(await client.callTool('echo', { text }));
  answers.push(await client.callTool('soft_fail'));
  answers.push(await client.callTool('add', { a: 1, b: 2 }));
  answers.push(await client.callTool('add', { a: 3, b: 4 }));
  await client.close();
  return { answers, diagnostics };
}

const throwing = (hook: string) => () => {
  throw new Error(`${hook} broke`);
};

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('prom-client: custom labels fold into _OTHER, undefined is empty, ignored requests leave no trace', async () => {
    const registry = new Registry();
    await workload(sdk, metrics({ registry, customLabels, ignore }));
    const samples = await scrapeRegistry(registry);
    const calls = select(samples, 'mcp_server_operation_duration_seconds_count', {
      mcp_method_name: 'tools/call',
    });
    expect(
      calls.map((sample) => [sample.labels.gen_ai_tool_name, sample.labels.tenant, sample.value]),
    ).toEqual([
      ['echo', 'a', 2],
      ['echo', 'b', 1],
      ['echo', '_OTHER', 1],
      ['soft_fail', '', 1],
    ]);
    // initialize carries the label too (the hook returned undefined), and `add` is nowhere.
    expect(
      select(samples, 'mcp_server_operation_duration_seconds_count', { mcp_method_name: 'initialize' }).map(
        (sample) => sample.labels.tenant,
      ),
    ).toEqual(['']);
    expect(JSON.stringify(samples).includes('"add"')).toBe(false);
    expect(
      select(samples, 'mcp_server_active_requests', { mcp_method_name: 'tools/call' }).map(
        (sample) => sample.value,
      ),
    ).toEqual([0]);
    // Families recorded per session or per notification have no custom label.
    expect(Object.keys(select(samples, 'mcp_server_notifications_total')[0]!.labels)).toEqual([
      'mcp_method_name',
      'mcp_notification_direction',
    ]);
  });

  it('OpenTelemetry: the same values, and no attribute where the hook returned undefined', async () => {
    const meter = startMeter();
    meters.push(meter);
    await workload(sdk, openTelemetryMetrics({ meterProvider: meter.provider, customLabels, ignore }));
    const points = (await meter.collect()).filter(
      (point) =>
        point.name === INSTRUMENT_NAMES.operationDuration &&
        point.attributes['mcp.method.name'] === 'tools/call',
    );
    expect(
      points.map((point) => [point.attributes['gen_ai.tool.name'], point.attributes.tenant, point.value]),
    ).toEqual([
      ['echo', 'a', 2],
      ['echo', 'b', 1],
      ['echo', '_OTHER', 1],
      ['soft_fail', undefined, 1],
    ]);
    expect(Object.hasOwn(points[3]!.attributes, 'tenant')).toBe(false);
    expect(
      pointTotal(await meter.collect(), INSTRUMENT_NAMES.operationDuration, { 'gen_ai.tool.name': 'add' }),
    ).toBe(0);
  });

  it('outbound requests: ignore() decides when they end, and custom labels label them', async () => {
    const ignoring = new Registry();
    const labelling = new Registry();
    const asked: [string, string | undefined][] = [];
    const server = observe(createExampleServer({ sdk })).use(
      metrics({
        registry: ignoring,
        ignore: (request) => {
          if (request.method === 'ping') asked.push([request.method, request.outcome]);
          return request.method === 'ping';
        },
      }),
      metrics({
        registry: labelling,
        customLabels: {
          tenant: { values: ['a'], value: (request) => (request.method === 'ping' ? 'a' : undefined) },
        },
      }),
    );
    addPingClientTool(server);
    const client = await connectInMemory(server, sdk);
    await client.callTool('ping_client');
    await client.close();

    // The server's ping to its client: asked about once, with its outcome known, and left out.
    expect(asked).toEqual([['ping', 'ok']]);
    const ignored = await scrapeRegistry(ignoring);
    expect(select(ignored, 'mcp_client_operation_duration_seconds_count')).toEqual([]);
    expect(
      select(ignored, 'mcp_server_operation_duration_seconds_count', { mcp_method_name: 'tools/call' }).map(
        (sample) => [sample.labels.gen_ai_tool_name, sample.value],
      ),
    ).toEqual([['ping_client', 1]]);
    expect(
      select(await scrapeRegistry(labelling), 'mcp_client_operation_duration_seconds_count').map((sample) => [
        sample.labels.mcp_method_name,
        sample.labels.tenant,
        sample.value,
      ]),
    ).toEqual([['ping', 'a', 1]]);
  });

  const throwingOptions = {
    customLabels: { tenant: { values: ['a'], value: throwing('value') } },
    ignore: throwing('ignore'),
  };

  async function expectReportedOnceWithBareAnswers(plugin: McpscopePlugin): Promise<void> {
    const { answers: bare } = await workload(sdk);
    const { answers, diagnostics } = await workload(sdk, plugin);
    expect(answers).toEqual(bare);
    expect(diagnostics.map((diagnostic) => [diagnostic.plugin, diagnostic.code, diagnostic.hook])).toEqual([
      ['metrics', METRICS_DIAGNOSTIC_CODES.hookFailed, 'ignore'],
      ['metrics', METRICS_DIAGNOSTIC_CODES.hookFailed, 'customLabels.tenant'],
    ]);
  }

  it('prom-client: hooks that throw are reported once each, answers are the bare server’s, requests recorded', async () => {
    const registry = new Registry();
    await expectReportedOnceWithBareAnswers(metrics({ registry, ...throwingOptions }));
    // Recorded as if the hooks had returned nothing: nothing ignored, the label empty.
    const calls = select(await scrapeRegistry(registry), 'mcp_server_operation_duration_seconds_count', {
      mcp_method_name: 'tools/call',
    });
    expect(calls.map((sample) => sample.labels.tenant)).toEqual(['', '', '']);
    expect(calls.reduce((sum, sample) => sum + sample.value, 0)).toBe(7);
  });

  it('OpenTelemetry: hooks that throw are reported once each, answers are the bare server’s, requests recorded', async () => {
    const meter = startMeter();
    meters.push(meter);
    await expectReportedOnceWithBareAnswers(
      openTelemetryMetrics({ meterProvider: meter.provider, ...throwingOptions }),
    );
    const points = await meter.collect();
    expect(pointTotal(points, INSTRUMENT_NAMES.operationDuration, { 'mcp.method.name': 'tools/call' })).toBe(
      7,
    );
    expect(points.filter((point) => Object.hasOwn(point.attributes, 'tenant'))).toEqual([]);
  });
});

describe('custom label checks', () => {
  it.each([
    [{ 'bad-name': { values: ['a'], value: () => 'a' } }, /not a valid Prometheus label name/],
    [{ le: { values: ['a'], value: () => 'a' } }, /not a valid Prometheus label name/],
    [{ __private: { values: ['a'], value: () => 'a' } }, /not a valid Prometheus label name/],
    [{ mcp_method_name: { values: ['a'], value: () => 'a' } }, /one of mcpscope's own labels/],
    [{ tenant: { values: ['a', '_OTHER'], value: () => 'a' } }, /cannot hold "_OTHER"/],
    [{ tenant: { values: [''], value: () => 'a' } }, /must be non-empty strings/],
    [{ tenant: { values: ['a'], value: 'a' } }, /must be a function/],
  ])('rejects %o', (labels, message) => {
    const invalid = labels as unknown as CustomLabels;
    expect(() => metrics({ registry: new Registry(), customLabels: invalid })).toThrow(message);
    expect(() => openTelemetryMetrics({ customLabels: invalid })).toThrow(message);
  });

  it('a static label may not reuse a custom label name', () => {
    expect(() => metrics({ registry: new Registry(), customLabels, staticLabels: { tenant: 'x' } })).toThrow(
      /own labels/,
    );
  });
});
