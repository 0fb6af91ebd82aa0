import { type Diagnostic, fetchHandler, observe, sideListenerAddress } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  promtoolCheckMetrics,
  requireBinary,
  SDK_VERSIONS,
  SKIP_PROMETHEUS,
} from '@mcpscope/test-kit';
import { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { openMetricsContentType, prometheusContentType, Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExposition, select, total } from '../test/exposition-parser.js';
import { addPingClientTool, refusingPlugin } from '../test/plugins.js';
import { scrapeUrl } from '../test/scrape.js';
import { startTracing } from '../test/tracing.js';
import {
  METRICS_DIAGNOSTIC_CODES,
  type MetricsPlugin,
  metrics,
  negotiateFormat,
  renderRegistry,
} from './index.js';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const PROMETHEUS_3_ACCEPT =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,' +
  'application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,' +
  'text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

const tracing = startTracing();
afterAll(() => tracing.stop());

function get(plugin: MetricsPlugin, headers: Record<string, string> = {}, method = 'GET') {
  return fetchHandler([plugin])(new Request('http://localhost/metrics', { method, headers }));
}

async function recordedPlugin(options: Parameters<typeof metrics>[0] = {}): Promise<MetricsPlugin> {
  const plugin = metrics({ registry: new Registry(), ...options });
  const server = observe(createExampleServer({ sdk: 'v1' })).use(plugin);
  const client = await connectInMemory(server, 'v1');
  await client.callTool('echo', { text: 'hi' });
  await client.callTool('fail');
  await client.close();
  return plugin;
}

describe('content negotiation', () => {
  it.each([
    [undefined, 'prometheus'],
    ['*/*', 'prometheus'],
    ['text/plain', 'prometheus'],
    ['text/plain;version=0.0.4', 'prometheus'],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['application/openmetrics-text;version=0.0.1', 'prometheus'],
    ['application/openmetrics-text;q=0.2, text/plain;q=0.9', 'prometheus'],
    ['text/plain;q=0.5, application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text;q=0', 'prometheus'],
    ['application/json', 'prometheus'],
    [PROMETHEUS_ACCEPT, 'openmetrics'],
    [PROMETHEUS_3_ACCEPT, 'openmetrics'],
  ] as const)('Accept %s gives %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});

describe('the /metrics route', () => {
  it('answers the text format by default and OpenMetrics when asked, with the right Content-Type', async () => {
    const plugin = await recordedPlugin();
    const text = await get(plugin);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toBe(prometheusContentType);
    expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const textBody = await text.text();
    expect(textBody).toContain('# TYPE mcp_server_notifications_total counter');

    const open = await get(plugin, { accept: PROMETHEUS_ACCEPT });
    expect(open.headers.get('content-type')).toBe(openMetricsContentType);
    expect(open.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const openBody = await open.text();
    expect(openBody.endsWith('# EOF\n')).toBe(true);
    // OpenMetrics names the counter family without `_total`, and its samples with it.
    expect(openBody).toContain('# TYPE mcp_server_notifications counter');
    expect(openBody).toMatch(/^mcp_server_notifications_total\{/m);
    expect(total(parseExposition(openBody), 'mcp_server_operation_duration_seconds_count')).toBe(3);

    // Rendering OpenMetrics never renames the registry's counters for later text scrapes.
    const again = await (await get(plugin)).text();
    expect(again).toContain('# TYPE mcp_server_notifications_total counter');
    expect(again).toMatch(/^mcp_server_notifications_total\{/m);
    expect(await plugin.registry.metrics()).toContain('# TYPE mcp_server_notifications_total counter');
  });

  it('renders an OpenMetrics registry in both formats too', async () => {
    const registry = new Registry();
    registry.setContentType(openMetricsContentType as never);
    const plugin = await recordedPlugin({ registry });
    expect(await (await get(plugin, { accept: 'application/openmetrics-text' })).text()).toContain(
      '# TYPE mcp_server_notifications counter',
    );
    const text = await (await get(plugin)).text();
    expect(text).toContain('# TYPE mcp_server_notifications_total counter');
    expect(text.includes('# EOF')).toBe(false);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const plugin = await recordedPlugin();
    const head = await get(plugin, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get(plugin, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('guards the route with a bearer token when configured', async () => {
    const plugin = await recordedPlugin({ bearerToken: 's3cret' });
    const missing = await get(plugin);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect((await get(plugin, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(plugin, { authorization: 'Basic s3cret' })).status).toBe(401);
    const allowed = await get(plugin, { authorization: 'Bearer s3cret' });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('mcp_server_operation_duration_seconds_count');
    expect((await get(plugin, { authorization: 'bearer s3cret' })).status).toBe(200);
  });

  it('serves a custom path', async () => {
    const plugin = await recordedPlugin({ path: '/internal/metrics' });
    expect(Object.keys(plugin.routes ?? {})).toEqual(['/internal/metrics']);
    const response = await fetchHandler([plugin])(new Request('http://localhost/internal/metrics'));
    expect(response.status).toBe(200);
    expect((await fetchHandler([plugin])(new Request('http://localhost/metrics'))).status).toBe(404);
  });

  it.each(SDK_VERSIONS)('is served by the side listener of a server without HTTP (SDK %s)', async (sdk) => {
    const plugin = metrics({ registry: new Registry() });
    const server = observe(createExampleServer({ sdk }), { listen: { port: 0 } }).use(plugin);
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'hi' });
    const { url } = await sideListenerAddress(server);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const scraped = await scrapeUrl(`${url}/metrics`, { accept: PROMETHEUS_ACCEPT });
    expect(scraped.contentType).toBe(openMetricsContentType);
    expect(
      total(scraped.samples, 'mcp_server_operation_duration_seconds_count', { gen_ai_tool_name: 'echo' }),
    ).toBe(1);
    await client.close();
    await server.close();
  });
});

describe('exemplars', () => {
  it.each(SDK_VERSIONS)(
    'carry the ids of the SERVER span the real tracing plugin recorded, in OpenMetrics only (SDK %s)',
    async (sdk) => {
      tracing.reset();
      const plugin = metrics({ registry: new Registry() });
      // Metrics first: it reads the ids the tracing plugin sets on the request, whatever the order.
      const server = observe(createExampleServer({ sdk })).use(plugin, tracing.plugin());
      const client = await connectInMemory(server, sdk);
      await client.callTool('echo', { text: 'traced' });
      await client.callTool('soft_fail');
      await client.close();

      const open = parseExposition(await (await get(plugin, { accept: PROMETHEUS_ACCEPT })).text());
      const spanOf = (tool: string) => {
        const matching = tracing
          .serverSpans()
          .filter(
            (span) => span.attributes['gen_ai.tool.name'] === tool && span.name === `tools/call ${tool}`,
          );
        expect(matching).toHaveLength(1);
        return matching[0]!.spanContext();
      };
      for (const tool of ['echo', 'soft_fail']) {
        const buckets = select(open, 'mcp_server_operation_duration_seconds_bucket', {
          gen_ai_tool_name: tool,
        });
        const withExemplar = buckets.filter((sample) => sample.exemplar !== undefined);
        expect(withExemplar).toHaveLength(1);
        const expected = spanOf(tool);
        expect(withExemplar[0]!.exemplar!.labels).toEqual({
          trace_id: expected.traceId,
          span_id: expected.spanId,
        });
        expect(withExemplar[0]!.exemplar!.value).toBe(
          total(open, 'mcp_server_operation_duration_seconds_sum', { gen_ai_tool_name: tool }),
        );
      }
      const text = await (await get(plugin)).text();
      expect(text.includes('trace_id')).toBe(false);
    },
  );

  it('are absent without a tracing plugin, and when switched off', async () => {
    const plain = await recordedPlugin();
    expect(
      (await (await get(plain, { accept: 'application/openmetrics-text' })).text()).includes(' # {'),
    ).toBe(false);

    const plugin = metrics({ registry: new Registry(), exemplars: false });
    const server = observe(createExampleServer({ sdk: 'v1' })).use(tracing.plugin(), plugin);
    const client = await connectInMemory(server, 'v1');
    await client.callTool('echo', { text: 'traced' });
    await client.close();
    expect(
      (await (await get(plugin, { accept: 'application/openmetrics-text' })).text()).includes(' # {'),
    ).toBe(false);
  });

  it('come from getExemplarLabels when given', async () => {
    const plugin = await recordedPlugin({
      getExemplarLabels: (request) => (request.target === 'echo' ? { request_kind: 'echo-call' } : undefined),
    });
    const open = parseExposition(
      await (await get(plugin, { accept: 'application/openmetrics-text' })).text(),
    );
    const exemplars = select(open, 'mcp_server_operation_duration_seconds_bucket').filter(
      (sample) => sample.exemplar !== undefined,
    );
    expect(exemplars.map((sample) => [sample.labels.gen_ai_tool_name, sample.exemplar!.labels])).toEqual([
      ['echo', { request_kind: 'echo-call' }],
    ]);
  });

  it('never break recording: labels too long for OpenMetrics are dropped and reported once', async () => {
    const diagnostics: Diagnostic[] = [];
    const plugin = metrics({
      registry: new Registry(),
      getExemplarLabels: () => ({ too_long: 'x'.repeat(200) }),
    });
    const server = observe(createExampleServer({ sdk: 'v1' }), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    }).use(plugin);
    const client = await connectInMemory(server, 'v1');
    await client.callTool('echo', { text: 'hi' });
    await client.callTool('fail');
    await client.close();
    const open = await renderRegistry(plugin.registry, 'openmetrics');
    expect(
      total(parseExposition(open), 'mcp_server_operation_duration_seconds_count', {
        mcp_method_name: 'tools/call',
      }),
    ).toBe(2);
    expect(open.includes(' # {')).toBe(false);
    expect(diagnostics.map((diagnostic) => [diagnostic.plugin, diagnostic.code])).toEqual([
      ['metrics', METRICS_DIAGNOSTIC_CODES.exemplarTooLong],
    ]);
  });

  it('getExemplarLabels that throws: reported once, the requests recorded without exemplars', async () => {
    const diagnostics: Diagnostic[] = [];
    const plugin = metrics({
      registry: new Registry(),
      getExemplarLabels: () => {
        throw new Error('exemplar hook broke');
      },
    });
    const server = observe(createExampleServer({ sdk: 'v1' }), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    }).use(plugin);
    const client = await connectInMemory(server, 'v1');
    expect(await client.callTool('echo', { text: 'hi' })).toEqual({
      content: [{ type: 'text', text: 'hi' }],
    });
    await client.callTool('echo', { text: 'again' });
    await client.close();
    const samples = parseExposition(await renderRegistry(plugin.registry, 'openmetrics'));
    expect(total(samples, 'mcp_server_operation_duration_seconds_count', { gen_ai_tool_name: 'echo' })).toBe(
      2,
    );
    expect(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.hook])).toEqual([
      [METRICS_DIAGNOSTIC_CODES.hookFailed, 'getExemplarLabels'],
    ]);
  });
});

describe.skipIf(SKIP_PROMETHEUS)('promtool check metrics', () => {
  it('passes on the exposition of every mcpscope family, with a prefix and static labels', async () => {
    requireBinary('promtool');
    const registry = new Registry();
    const plugin = metrics({
      registry,
      prefix: 'weather_',
      staticLabels: { service: 'weather' },
      payloadSizes: true,
    });
    const server = observe(createExampleServer({ sdk: 'v1' })).use(refusingPlugin('add'), plugin);
    addPingClientTool(server);
    const client = await connectInMemory(server, 'v1');
    await client.callTool('echo', { text: 'hi' });
    await client.callTool('soft_fail');
    await client.callTool('ping_client');
    await client.callTool('add', { a: 1, b: 2 }).catch(() => undefined);
    await client.getPrompt('greet', { name: 'Ada' });
    await client.close();

    const exposition = await renderRegistry(registry, 'prometheus');
    const families = [...exposition.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]);
    expect(families.sort()).toEqual(
      [
        'weather_mcp_client_operation_duration_seconds',
        'weather_mcp_server_active_requests',
        'weather_mcp_server_active_sessions',
        'weather_mcp_server_notifications_total',
        'weather_mcp_server_operation_duration_seconds',
        'weather_mcp_server_refused_requests_total',
        'weather_mcp_server_request_size_bytes',
        'weather_mcp_server_response_size_bytes',
        'weather_mcp_server_session_duration_seconds',
        'weather_mcp_server_transport_errors_total',
      ].sort(),
    );
    // Every series of every family carries the static label.
    expect(parseExposition(exposition).every((sample) => sample.labels.service === 'weather')).toBe(true);
    const checked = promtoolCheckMetrics(exposition);
    expect(checked.output).toBe('');
    expect(checked.status).toBe(0);
  });

  it('fails on a broken exposition (the check can fail)', () => {
    requireBinary('promtool');
    const checked = promtoolCheckMetrics('# TYPE requests counter\nrequests 1\n');
    expect(checked.output).toContain('counter metrics should have "_total" suffix');
  });
});

describe('a scrape of 1,000 series', () => {
  it('renders every series of 1,000 registered tools in both formats', async () => {
    const registry = new Registry();
    const plugin = metrics({ registry, exemplars: false });
    const server = observe(new V1McpServer({ name: 'many-tools', version: '1.0.0' })).use(plugin);
    for (let index = 0; index < 1000; index++) {
      server.registerTool(`tool_${index}`, { description: `Tool ${index}` }, async () => ({
        content: [{ type: 'text', text: String(index) }],
      }));
    }
    const client = await connectInMemory(server, 'v1');
    for (let index = 0; index < 1000; index++) await client.callTool(`tool_${index}`);
    await client.close();

    for (const accept of [undefined, 'application/openmetrics-text']) {
      const response = await get(plugin, accept === undefined ? {} : { accept });
      const samples = parseExposition(await response.text());
      const counts = select(samples, 'mcp_server_operation_duration_seconds_count', {
        mcp_method_name: 'tools/call',
      });
      expect(counts).toHaveLength(1000);
      expect(new Set(counts.map((sample) => sample.labels.gen_ai_tool_name)).size).toBe(1000);
      expect(counts.every((sample) => sample.value === 1)).toBe(true);
    }
    if (!SKIP_PROMETHEUS) expect(promtoolCheckMetrics(await registry.metrics()).status).toBe(0);
  });
});
