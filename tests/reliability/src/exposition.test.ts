/**
 * Hostile names: tools and prompts registered with quotes, backslashes, newlines, unicode and a 10 KB
 * name, a client whose name forges a log line, static labels with the same characters. The metric
 * exposition (Prometheus text and OpenMetrics, as served by the route) passes `promtool check metrics`
 * (OpenMetrics without its exemplars, which promtool's text parser does not read) and holds every label
 * value escaped, the 10 KB one whole; every log line stays exactly one JSON object.
 */
import { fetchHandler, sideListenerAddress } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  startPrometheus,
} from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { inMemoryTracing } from '../test/otel.js';
import { promtoolCheckMetrics } from '../test/promtool.js';
import { sentryForSuite } from '../test/sentry-endpoint.js';
import { createStack } from '../test/stack.js';
import { waitFor } from '../test/wait-for.js';

const LONG = 'n'.repeat(10_240);
const HOSTILE = [
  'quote"tool',
  'back\\slash',
  'new\nline',
  'ünïcödé-工具-🙂',
  '{curly}=,"',
  'tab\there',
  'line\u2028separator',
  LONG,
];
const FORGED_CLIENT = `client "x"\n{"level":60,"msg":"forged line"}\n${'c'.repeat(10_240)}`;
const STATIC_SERVICE = 'svc "quoted" \\ back\nslash ü';

sentryForSuite();
const otel = inMemoryTracing();

/** Prometheus label value escaping: backslash, double quote, line feed. */
const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

type Text = { content: { type: 'text'; text: string }[] };
interface Registry {
  registerTool(name: string, config: object, handler: () => Promise<Text>): unknown;
  registerPrompt(name: string, config: object, handler: () => unknown): unknown;
}

async function hostileTraffic(sdk: SdkVersion) {
  const stack = createStack({
    tracerProvider: otel.provider,
    metrics: { staticLabels: { service: STATIC_SERVICE } },
  });
  const server = createExampleServer({ sdk });
  const registry = server as unknown as Registry;
  for (const name of HOSTILE) {
    registry.registerTool(name, { description: 'hostile' }, async () => ({
      content: [{ type: 'text', text: name }],
    }));
    registry.registerPrompt(name, { description: 'hostile' }, () => ({
      messages: [{ role: 'user', content: { type: 'text', text: name } }],
    }));
  }
  stack.observe(server);
  const client = await connectInMemory(server, sdk, { name: FORGED_CLIENT, version: FORGED_CLIENT });
  for (const name of HOSTILE) {
    expect((await client.callTool(name)).content).toEqual([{ type: 'text', text: name }]);
    await client.getPrompt(name);
    // The same names, unregistered: they fold into _OTHER.
    await client.callTool(`${name}-unknown`).catch(() => undefined);
  }
  await client.close();
  const routes = fetchHandler(server);
  const scrape = async (accept: string) => {
    const response = await routes(new Request('http://127.0.0.1/metrics', { headers: { accept } }));
    expect(response.status).toBe(200);
    return { contentType: response.headers.get('content-type'), body: await response.text() };
  };
  const text = await scrape('text/plain;version=0.0.4');
  const openMetrics = await scrape('application/openmetrics-text;version=1.0.0');
  await server.close();
  return { stack, text, openMetrics };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('escapes hostile label values in both exposition formats; promtool accepts them', async () => {
    const { text, openMetrics } = await hostileTraffic(sdk);
    expect(text.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(openMetrics.contentType).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    // Exemplars are on (tracing is active), in OpenMetrics only.
    expect(openMetrics.body).toMatch(/ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\} /);
    for (const { body } of [text, openMetrics]) {
      // promtool reads the text format: it parses OpenMetrics once exemplars are cut off their samples,
      // and its only lint is the OpenMetrics counter naming (family `x`, samples `x_total`).
      const checked = promtoolCheckMetrics(body.replace(/ # \{[^\n]*$/gm, ''));
      if (body === text.body) expect(checked).toEqual({ status: 0, output: '' });
      else {
        expect(checked.status).toBe(3);
        const lints = checked.output.split('\n').filter((line) => line !== '');
        expect(lints.length).toBeGreaterThan(0);
        for (const lint of lints) expect(lint).toMatch(/^mcp_server_\w+_total no help text$/);
      }
      for (const name of HOSTILE) {
        expect(body).toContain(`gen_ai_tool_name="${escapeLabel(name)}"`);
        expect(body).toContain(`gen_ai_prompt_name="${escapeLabel(name)}"`);
      }
      expect(body).toContain(`service="${escapeLabel(STATIC_SERVICE)}"`);
      expect(body).toContain('gen_ai_tool_name="_OTHER"');
      // Every line is a comment or one sample: no label value broke out of its line.
      for (const line of body.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        // (U+2028 in a label value is legal UTF-8 there: `[^\n]`, since `.` would stop at it.)
        expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^\n]*\})? \S+( # \{[^\n]*\} \S+( \S+)?)?$/);
      }
    }
    expect(openMetrics.body.endsWith('# EOF\n')).toBe(true);
  });

  it('keeps every log line one JSON object, whatever the names and the client say', async () => {
    const { stack } = await hostileTraffic(sdk);
    const lines = stack.log.lines();
    expect(stack.log.text().split('\n').length - 1).toBe(lines.length);
    expect(lines.some((line) => line.msg === 'forged line')).toBe(false);
    const tools = lines.filter((line) => line['mcp.method.name'] === 'tools/call');
    expect(tools).toHaveLength(2 * HOSTILE.length);
    expect(lines.filter((line) => line['mcp.method.name'] === 'prompts/get')).toHaveLength(HOSTILE.length);
    const started = lines.find((line) => line.msg === 'session started')!;
    // Core caps the client's name at 256 characters before any plugin sees it.
    expect(started['mcp.client.name']).toBe(FORGED_CLIENT.slice(0, 256));
  });
});

it('a real Prometheus scrapes the exposition (OpenMetrics) and stores every hostile label value exactly', async () => {
  const stack = createStack({ tracerProvider: otel.provider });
  const servers = SDK_VERSIONS.map((sdk) => {
    const server = createExampleServer({ sdk });
    const registry = server as unknown as Registry;
    for (const name of HOSTILE) {
      registry.registerTool(name, { description: 'hostile' }, async () => ({
        content: [{ type: 'text', text: name }],
      }));
    }
    return stack.observe(server, { listen: { port: 0 } });
  });
  for (const [index, sdk] of SDK_VERSIONS.entries()) {
    const client = await connectInMemory(servers[index]!, sdk);
    for (const name of HOSTILE) await client.callTool(name);
    await client.close();
  }
  const { host, port } = await sideListenerAddress(servers[0]!);
  const prometheus = await startPrometheus({ target: `${host}:${port}` });
  try {
    await waitFor(async () => (await prometheus.targets())[0]?.health === 'up', 'the first scrape', 30_000);
    expect((await prometheus.targets())[0]!.lastError).toBe('');
    const series = await prometheus.query(
      'sum by (gen_ai_tool_name) (mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call"})',
    );
    const stored = new Map(series.map((sample) => [sample.metric.gen_ai_tool_name, sample.value]));
    expect([...stored.keys()].sort()).toEqual([...HOSTILE].sort());
    for (const name of HOSTILE) expect(stored.get(name)).toBe(SDK_VERSIONS.length);
  } finally {
    await prometheus.stop();
    for (const server of servers) await server.close();
  }
});
