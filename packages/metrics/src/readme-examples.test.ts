/**
 * The README runs as written: each of its code blocks is a region of a file in test/fixtures
 * (scripts/snippets.mjs copies them), imported or started here and driven by a real MCP client. Its
 * install lines list every package the blocks import.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  connectHttp,
  connectInMemory,
  freePort,
  spawnStdioServer,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { select } from '../test/exposition-parser.js';
import { attributesOf, startOtlpReceiver, sumValueOf } from '../test/otlp-receiver.js';
import { scrapeRegistry, scrapeUrl } from '../test/scrape.js';
import { METER_NAME } from './opentelemetry.js';

// The fixtures import the package by its name, as a reader would: here that name is the source.
vi.mock('@mcpscope/metrics', () => import('./index.js'));
vi.mock('@mcpscope/metrics/opentelemetry', () => import('./opentelemetry.js'));

const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const TOKEN = 'readme-token';

const cleanups: (() => unknown)[] = [];
const savedEnv = { ...process.env };
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** The README's servers register their tools themselves; this one stands for them. */
function registerEcho(server: McpServer): void {
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
}

async function connect(server: McpServer): Promise<TestClient> {
  const client = await connectInMemory(server, 'v1');
  cleanups.push(() => client.close());
  return client;
}

/** The series of one `tools/call echo` that succeeded over the in-memory transport (SDK 1.x). */
const ECHO_OK = {
  mcp_method_name: 'tools/call',
  gen_ai_tool_name: 'echo',
  gen_ai_prompt_name: '',
  gen_ai_operation_name: 'execute_tool',
  error_type: '',
  rpc_response_status_code: '',
  mcp_error_side: '',
  mcp_request_outcome: 'ok',
  mcp_tool_error_reason: '',
  mcp_protocol_version: '2025-11-25',
  network_transport: '',
  network_protocol_name: '',
};

// First: vi.resetModules() below renews ./index.js but not the mocked module's cached result.
it('the fixtures’ @mcpscope/metrics is this package’s source', async () => {
  expect((await import('@mcpscope/metrics')).metrics).toBe((await import('./index.js')).metrics);
  expect((await import('@mcpscope/metrics/opentelemetry')).openTelemetryMetrics).toBe(
    (await import('./opentelemetry.js')).openTelemetryMetrics,
  );
});

describe('README: usage (a stdio server)', () => {
  it('answers over stdio; its side listener serves the call’s series on 127.0.0.1 behind METRICS_TOKEN', async () => {
    const port = await freePort();
    const child = await spawnStdioServer(fixture('readme-usage.ts'), {
      sdk: 'v1',
      env: {
        METRICS_PORT: String(port),
        METRICS_TOKEN: TOKEN,
        TSX_TSCONFIG_PATH: fixture('tsconfig.readme.json'),
      },
    });
    cleanups.push(() => child.close());
    expect(await child.client.callTool('get-weather', { city: 'Paris' })).toEqual({
      content: [{ type: 'text', text: 'Sunny in Paris' }],
    });
    const url = `http://127.0.0.1:${port}/metrics`;
    expect((await scrapeUrl(url)).status).toBe(401);
    const scraped = await scrapeUrl(url, { authorization: `Bearer ${TOKEN}` });
    expect(scraped.status).toBe(200);
    expect(
      select(scraped.samples, 'mcp_server_operation_duration_seconds_count', {
        mcp_method_name: 'tools/call',
      }),
    ).toEqual([
      {
        name: 'mcp_server_operation_duration_seconds_count',
        labels: { ...ECHO_OK, gen_ai_tool_name: 'get-weather', network_transport: 'pipe' },
        value: 1,
      },
    ]);
    expect(child.foreignStdoutLines()).toEqual([]);
    expect(child.stderr()).toBe('');
  });
});

describe('README: Prometheus', () => {
  async function startPrometheusExample(token: string | undefined) {
    vi.resetModules();
    const port = await freePort();
    process.env.METRICS_PORT = String(port);
    if (token === undefined) delete process.env.METRICS_TOKEN;
    else process.env.METRICS_TOKEN = token;
    const { http, server } = (await import('../test/fixtures/readme-prometheus.js')) as {
      http: Server;
      server: McpServer;
    };
    cleanups.push(() => server.close());
    cleanups.push(() => new Promise((resolve) => http.close(resolve)));
    if (!http.listening) await once(http, 'listening');
    expect(http.address()).toMatchObject({ address: '127.0.0.1', port });
    registerEcho(server);
    const client = await connect(server);
    expect(await client.callTool('echo', { text: 'hello' })).toMatchObject({
      content: [{ type: 'text', text: 'hello' }],
    });
    return `http://127.0.0.1:${port}/metrics`;
  }

  it('with METRICS_TOKEN: 401 without the token or with another, the call’s series with it', async () => {
    const url = await startPrometheusExample(TOKEN);
    expect((await scrapeUrl(url)).status).toBe(401);
    expect((await scrapeUrl(url, { authorization: 'Bearer not-the-token' })).status).toBe(401);
    const scraped = await scrapeUrl(url, { authorization: `Bearer ${TOKEN}` });
    expect(scraped.status).toBe(200);
    expect(
      select(scraped.samples, 'mcp_server_operation_duration_seconds_count', {
        mcp_method_name: 'tools/call',
      }),
    ).toEqual([{ name: 'mcp_server_operation_duration_seconds_count', labels: ECHO_OK, value: 1 }]);
  });

  it('without METRICS_TOKEN: /metrics asks for no token', async () => {
    const url = await startPrometheusExample(undefined);
    const scraped = await scrapeUrl(url);
    expect(scraped.status).toBe(200);
    expect(
      select(scraped.samples, 'mcp_server_operation_duration_seconds_count', {
        mcp_method_name: 'tools/call',
      }),
    ).toEqual([{ name: 'mcp_server_operation_duration_seconds_count', labels: ECHO_OK, value: 1 }]);
  });
});

describe('README: OpenTelemetry', () => {
  it('exports the call’s instruments over OTLP/HTTP to OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT = receiver.url;
    const { meterProvider, server } = await import('../test/fixtures/readme-opentelemetry.js');
    cleanups.push(() => meterProvider.shutdown());
    registerEcho(server);
    const client = await connectInMemory(server, 'v1');
    await client.callTool('echo', { text: 'hello' });
    await client.close();
    await meterProvider.forceFlush();

    expect(receiver.contentTypes).toEqual(['application/json']);
    const scopes = receiver.requests[0]!.resourceMetrics[0]!.scopeMetrics;
    expect(scopes.map((scope) => scope.scope.name)).toEqual([METER_NAME]);
    const byName = new Map(scopes[0]!.metrics.map((metric) => [metric.name, metric]));
    expect([...byName.keys()].sort()).toEqual([
      'mcp.server.active_requests',
      'mcp.server.active_sessions',
      'mcp.server.notifications',
      'mcp.server.operation.duration',
      'mcp.server.session.duration',
      'mcp.server.transport_errors',
    ]);
    const histogram = (name: string) =>
      byName.get(name)!.histogram!.dataPoints.map((point) => [attributesOf(point), Number(point.count)]);
    const sum = (name: string) =>
      byName.get(name)!.sum!.dataPoints.map((point) => [attributesOf(point), sumValueOf(point)]);
    const version = { 'mcp.protocol.version': '2025-11-25' };
    expect(histogram('mcp.server.operation.duration')).toEqual([
      [{ 'mcp.method.name': 'initialize', 'mcp.request.outcome': 'ok', ...version }, 1],
      [
        {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 'echo',
          'gen_ai.operation.name': 'execute_tool',
          'mcp.request.outcome': 'ok',
          ...version,
        },
        1,
      ],
    ]);
    expect(byName.get('mcp.server.operation.duration')!.unit).toBe('s');
    expect(histogram('mcp.server.session.duration')).toEqual([[version, 1]]);
    expect(sum('mcp.server.notifications')).toEqual([
      [{ 'mcp.method.name': 'notifications/initialized', 'mcp.notification.direction': 'inbound' }, 1],
    ]);
    expect(sum('mcp.server.active_requests')).toEqual([
      [{ 'mcp.method.name': 'initialize' }, 0],
      [{ 'mcp.method.name': 'tools/call' }, 0],
    ]);
    expect(sum('mcp.server.active_sessions')).toEqual([[{}, 0]]);
    expect(sum('mcp.server.transport_errors')).toEqual([
      [{ 'mcp.error.side': 'client' }, 0],
      [{ 'mcp.error.side': 'server' }, 0],
    ]);
  });
});

describe('README: per-request labels', () => {
  it('the tenant from _meta on the series, _OTHER for an unknown one, no series for ping', async () => {
    const { plugin, server } = await import('../test/fixtures/readme-custom-labels.js');
    registerEcho(server);
    const client = await connect(server);
    for (const tenant of ['acme', 'initech', 'acme']) {
      await client.request('tools/call', { name: 'echo', arguments: { text: 'hi' }, _meta: { tenant } });
    }
    await client.request('ping');
    const samples = await scrapeRegistry(plugin.registry);
    expect(
      select(samples, 'mcp_server_operation_duration_seconds_count').map((sample) => sample.labels),
    ).toEqual([
      {
        ...ECHO_OK,
        mcp_method_name: 'initialize',
        gen_ai_tool_name: '',
        gen_ai_operation_name: '',
        tenant: '',
      },
      { ...ECHO_OK, tenant: 'acme' },
      { ...ECHO_OK, tenant: '_OTHER' },
    ]);
    expect(
      select(samples, 'mcp_server_operation_duration_seconds_count').map((sample) => sample.value),
    ).toEqual([1, 2, 1]);
    expect(samples.filter((sample) => sample.labels.mcp_method_name === 'ping')).toEqual([]);
  });
});

describe('README: Node cluster', () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue; // its workers exit with it
      const exited = once(child, 'exit');
      // The primary and its workers: the process group the test started.
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });

  it('the primary serves the sum of both workers’ calls, behind METRICS_TOKEN', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('readme-cluster.ts')], {
      env: {
        ...process.env,
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        METRICS_TOKEN: TOKEN,
        TSX_TSCONFIG_PATH: fixture('tsconfig.readme.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(child);
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk));
    const output = () => Buffer.concat(chunks).toString('utf8');
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const authorized = { authorization: `Bearer ${TOKEN}` };
    // Up once every worker answers the primary's aggregation (a scrape fails while one is starting).
    await waitFor(
      async () => (await scrapeUrl(metricsUrl, authorized).catch(() => undefined))?.status === 200,
      "the cluster's /metrics",
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; its output:\n${output()}`);
    });
    const calls = 4;
    for (let index = 0; index < calls; index++) {
      const client = await connectHttp('v1', new URL(`http://127.0.0.1:${port}/mcp`));
      expect(await client.callTool('now')).toMatchObject({ content: [{ type: 'text' }] });
      await client.close();
    }

    expect((await scrapeUrl(metricsUrl)).status).toBe(401);
    const scraped = await scrapeUrl(metricsUrl, authorized);
    expect(scraped.status).toBe(200);
    expect(
      select(scraped.samples, 'mcp_server_operation_duration_seconds_count', {
        mcp_method_name: 'tools/call',
      }),
    ).toEqual([
      {
        name: 'mcp_server_operation_duration_seconds_count',
        labels: {
          ...ECHO_OK,
          gen_ai_tool_name: 'now',
          network_transport: 'tcp',
          network_protocol_name: 'http',
        },
        value: calls,
      },
    ]);
    // Nothing else on stdout or stderr: at most the primary's report of a scrape that came while a
    // worker was still starting (prom-client waits 5 s for every worker's answer).
    expect(
      output()
        .split('\n')
        .filter((line) => line !== '' && !line.includes('Operation timed out')),
    ).toEqual([]);
  });
});

it('its install lines list every package the code blocks import', () => {
  const readme = readFileSync(README, 'utf8');
  const installs = [...readme.matchAll(/```sh\nnpm install ([^\n]+)\n```/g)].map(
    (match) => new Set(match[1]!.split(/\s+/)),
  );
  const importsOf = (file: string) =>
    [...readFileSync(fixture(file), 'utf8').matchAll(/from '((?:@[^/']+\/)?[^/']+)/g)]
      .map((match) => match[1]!)
      .filter((name) => !name.startsWith('node:'));
  expect(installs.map((listed) => [...listed].sort())).toEqual([
    ['@mcpscope/core', '@mcpscope/metrics', '@modelcontextprotocol/sdk', 'prom-client', 'zod'],
    [
      '@mcpscope/core',
      '@mcpscope/metrics',
      '@modelcontextprotocol/sdk',
      '@opentelemetry/api',
      '@opentelemetry/exporter-metrics-otlp-http',
      '@opentelemetry/sdk-metrics',
    ],
  ]);
  for (const file of [
    'readme-usage.ts',
    'readme-prometheus.ts',
    'readme-custom-labels.ts',
    'readme-cluster.ts',
  ]) {
    expect(importsOf(file).filter((name) => !installs[0]!.has(name))).toEqual([]);
  }
  expect(importsOf('readme-opentelemetry.ts').filter((name) => !installs[1]!.has(name))).toEqual([]);
  // The README shows each fixture's region (scripts/snippets.mjs --check keeps them identical).
  for (const [file, region] of [
    ['readme-usage.ts', 'usage'],
    ['readme-prometheus.ts', 'prometheus'],
    ['readme-opentelemetry.ts', 'opentelemetry'],
    ['readme-custom-labels.ts', 'custom-labels'],
    ['readme-cluster.ts', 'cluster'],
  ]) {
    expect(readme).toContain(`<!-- snippet: packages/metrics/test/fixtures/${file}#${region} -->`);
  }
});
