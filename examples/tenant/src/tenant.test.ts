/**
 * One tenant, read once (`tenantOf`), on every signal: a real SDK client over Streamable HTTP on
 * 127.0.0.1 names a tenant in each request's `_meta`; a real OpenTelemetry SDK, a real pino destination,
 * prom-client's registry, real @sentry/node to a local receiver and the rate limiter all see the same one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Diagnostic, endpointFacts, observe } from '@mcpscope/core';
import {
  connectHttp,
  connectInMemory,
  exceptionOf,
  type SentryReceiver,
  startSentryReceiver,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import * as Sentry from '@sentry/node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenantMcpServer,
  EXPLODE_MESSAGE,
  startTenantServer,
  TENANT_META_KEY,
  tenantPlugins,
} from './server.js';

const NOW = Date.UTC(2026, 0, 1);
/** The rate limiter's clock, stopped: no token comes back during a test, so counts are exact. */
const stoppedClock = {
  now: () => NOW,
  setTimeout: (callback: () => void, ms: number) => void setTimeout(callback, ms),
};

let receiver: SentryReceiver;
let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;
let directory: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  receiver = await startSentryReceiver();
  Sentry.init({
    dsn: receiver.dsn,
    sendClientReports: false,
    // Every failure its own event: a double report cannot hide behind Dedupe.
    integrations: (defaults) => defaults.filter(({ name }) => name !== 'Dedupe'),
  });
  directory = mkdtempSync(join(tmpdir(), 'mcpscope-tenant-'));
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  receiver.clear();
  exporter.reset();
});

afterAll(async () => {
  await Sentry.close(2_000);
  await receiver.close();
  await provider.shutdown();
  context.disable();
  rmSync(directory, { recursive: true, force: true });
});

/** A pino logger on a real file destination, and its lines parsed. */
function fileLogger(name: string) {
  const file = join(directory, `${name}.log`);
  const logger = pino({ level: 'debug' }, pino.destination({ dest: file, sync: true }));
  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}

/** tools/call with the tenant in `_meta`; a refusal comes back as `{ code, message }`. */
async function call(client: TestClient, tenant: unknown, name: string, args: Record<string, unknown> = {}) {
  const _meta = tenant === undefined ? undefined : { [TENANT_META_KEY]: tenant };
  return client.request('tools/call', { name, arguments: args, ...(_meta && { _meta }) }).then(
    (result) => result as Record<string, unknown>,
    (error: { code?: number; message?: string }) => ({ code: error.code, message: error.message }),
  );
}

/** Sums the samples of `family` by the value of `label`, over the series whose labels include `where`. */
function samplesBy(exposition: string, family: string, label: string, where: Record<string, string> = {}) {
  const sums: Record<string, number> = {};
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${family}{`)) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]),
    );
    if (Object.entries(where).some(([name, value]) => labels[name] !== value)) continue;
    const key = labels[label] ?? '(none)';
    sums[key] = (sums[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sums;
}

const SERVER_SPAN = 1;

function serverSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.kind === SERVER_SPAN);
}

describe('the tenant example: one tenantOf, every signal', () => {
  it('acme, globex and an unknown tenant: span attribute, log field and level, metric label, Sentry tag, plan and cost', async () => {
    const diagnostics: Diagnostic[] = [];
    const { logger, lines } = fileLogger('tenants');
    const registry = new Registry();
    const running = await startTenantServer({
      port: 0,
      logger,
      registry,
      tracerProvider: provider,
      clock: stoppedClock,
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    });
    cleanups.push(() => running.close());
    const client = await connectHttp('v1', running.url, { name: 'tenant-agent' });
    cleanups.push(() => client.close());

    const lookup = (id: string) => ({ content: [{ type: 'text', text: `customer ${id}: active` }] });
    const report = (month: string) => ({
      content: [{ type: 'text', text: `report for ${month}: 42 orders` }],
    });
    const refused = (text: string) => ({ code: -32029, message: `MCP error -32029: ${text}` });

    // acme (plan 20): 1 + 1 + 5 + 1 = 8 units, all allowed.
    expect(await call(client, 'acme', 'lookup', { id: 'a1' })).toEqual(lookup('a1'));
    expect(await call(client, 'acme', 'lookup', { id: 'a2' })).toEqual(lookup('a2'));
    expect(await call(client, 'acme', 'generate_report', { month: '2026-01' })).toEqual(report('2026-01'));
    expect(await call(client, 'acme', 'explode')).toEqual({
      content: [{ type: 'text', text: EXPLODE_MESSAGE }],
      isError: true,
    });
    // globex (plan 6): 1 + 5 uses it all; the next lookup (1) is refused, with the plan's own message.
    expect(await call(client, 'globex', 'lookup', { id: 'g1' })).toEqual(lookup('g1'));
    expect(await call(client, 'globex', 'generate_report', { month: '2026-01' })).toEqual(report('2026-01'));
    expect(await call(client, 'globex', 'lookup', { id: 'g2' })).toEqual(
      refused('Tenant globex is over its plan of 6 request units per minute; retry in 10 s'),
    );
    // initech (no plan: DEFAULT_PLAN 10): 1 + 5 = 6; a second report (5) is refused, a lookup (1) still fits.
    expect(await call(client, 'initech', 'lookup', { id: 'i1' })).toEqual(lookup('i1'));
    expect(await call(client, 'initech', 'generate_report', { month: '2026-01' })).toEqual(report('2026-01'));
    expect(await call(client, 'initech', 'generate_report', { month: '2026-02' })).toEqual(
      refused('Tenant initech is over its plan of 10 request units per minute; retry in 6 s'),
    );
    expect(await call(client, 'initech', 'lookup', { id: 'i2' })).toEqual(lookup('i2'));
    expect(await client.request('ping')).toEqual({});
    expect(await Sentry.flush(5_000)).toBe(true);

    // Tracing: tenant.id on every tools/call span, refused ones included; no span for ping.
    expect(serverSpans().map((span) => [span.name, span.attributes['tenant.id']])).toEqual([
      ['initialize', undefined],
      ['tools/call lookup', 'acme'],
      ['tools/call lookup', 'acme'],
      ['tools/call generate_report', 'acme'],
      ['tools/call explode', 'acme'],
      ['tools/call lookup', 'globex'],
      ['tools/call generate_report', 'globex'],
      ['tools/call lookup', 'globex'],
      ['tools/call lookup', 'initech'],
      ['tools/call generate_report', 'initech'],
      ['tools/call generate_report', 'initech'],
      ['tools/call lookup', 'initech'],
    ]);

    // Logging: the tenant field on each request's line; globex's successful lines at debug (20).
    const requestLines = lines().filter((line) => line['mcp.method.name'] !== undefined);
    expect(requestLines.map((line) => [line.msg, line.tenant, line.level])).toEqual([
      ['initialize ok', undefined, 30],
      ['tools/call lookup ok', 'acme', 30],
      ['tools/call lookup ok', 'acme', 30],
      ['tools/call generate_report ok', 'acme', 30],
      ['tools/call explode tool_error', 'acme', 50],
      ['tools/call lookup ok', 'globex', 20],
      ['tools/call generate_report ok', 'globex', 20],
      ['tools/call lookup refused by rate-limit (rate_limited)', 'globex', 40],
      ['tools/call lookup ok', 'initech', 30],
      ['tools/call generate_report ok', 'initech', 30],
      ['tools/call generate_report refused by rate-limit (rate_limited)', 'initech', 40],
      ['tools/call lookup ok', 'initech', 30],
      ['ping ok', undefined, 30],
    ]);

    // Metrics: the tenant label takes acme, globex, _OTHER (initech) and '' (no tenant), nothing else.
    const exposition = await (await fetch(`${running.baseUrl}/metrics`)).text();
    const operations = 'mcp_server_operation_duration_seconds_count';
    expect(samplesBy(exposition, operations, 'tenant')).toEqual({ acme: 4, globex: 3, _OTHER: 4, '': 2 });
    expect(samplesBy(exposition, operations, 'tenant', { mcp_request_outcome: 'error' })).toEqual({
      globex: 1,
      _OTHER: 1,
    });
    expect(samplesBy(exposition, operations, 'tenant', { mcp_request_outcome: 'tool_error' })).toEqual({
      acme: 1,
    });
    expect(samplesBy(exposition, 'mcp_server_refused_requests_total', 'tenant')).toEqual({
      globex: 1,
      _OTHER: 1,
    });
    expect(exposition).not.toContain('initech');

    // Sentry: one event, for the tool that threw, tagged with its tenant (refusals are the client's business).
    const events = receiver.events();
    expect(events).toHaveLength(1);
    expect(exceptionOf(events[0]!)?.value).toBe(EXPLODE_MESSAGE);
    expect(events[0]?.tags).toMatchObject({ tenant: 'acme', 'gen_ai.tool.name': 'explode' });

    // Rate limit: 9 calls allowed, 2 refused, both by the per-tenant (client) rule.
    expect(running.plugins.limiter.stats()).toMatchObject({
      allowed: 9,
      refused: 2,
      refusedByScope: { global: 0, client: 2, tool: 0, method: 0 },
    });

    // Health, as usual.
    expect((await fetch(`${running.baseUrl}/livez`)).status).toBe(200);
    expect((await fetch(`${running.baseUrl}/readyz`)).status).toBe(200);
    expect(diagnostics).toEqual([]);
  });

  it('a malformed tenant makes tenantOf throw: answers identical to a bare server, each hook reported once', async () => {
    const calls = async (client: TestClient) => [
      // The first malformed tenant (a number) and a second one (not an id) reach every hook twice.
      await call(client, 42, 'lookup', { id: 'm1' }),
      await call(client, 42, 'generate_report', { month: '2026-03' }),
      await call(client, 42, 'explode'),
      await call(client, 'Not A Tenant!', 'lookup', { id: 'm2' }),
      await call(client, 'Not A Tenant!', 'explode'),
      await client.request('ping'),
    ];
    const bare = createTenantMcpServer();
    const bareClient = await connectInMemory(bare, 'v1');
    const expected = await calls(bareClient);
    await bareClient.close();
    await bare.close();

    const diagnostics: Diagnostic[] = [];
    const { logger, lines } = fileLogger('malformed');
    const registry = new Registry();
    const plugins = tenantPlugins({ logger, registry, tracerProvider: provider, clock: stoppedClock });
    const server = observe(createTenantMcpServer(), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    }).use(...plugins.all);
    cleanups.push(async () => plugins.health.dispose());
    const client = await connectInMemory(server, 'v1');
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    expect(await calls(client)).toEqual(expected);
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    expect(await Sentry.flush(5_000)).toBe(true);

    const failure = new TypeError('_meta["example.com/tenant"] is not a tenant id');
    expect(
      diagnostics
        .map(({ plugin, code, hook, error }) => ({ plugin, code, hook, error }))
        .sort((a, b) => `${a.plugin} ${a.hook}`.localeCompare(`${b.plugin} ${b.hook}`)),
    ).toEqual([
      { plugin: 'logging', code: 'MCPSCOPE_LOGGING_HOOK_FAILED', hook: 'customLogLevel', error: failure },
      { plugin: 'logging', code: 'MCPSCOPE_LOGGING_HOOK_FAILED', hook: 'customProps', error: failure },
      {
        plugin: 'metrics',
        code: 'MCPSCOPE_METRICS_HOOK_FAILED',
        hook: 'customLabels.tenant',
        error: failure,
      },
      { plugin: 'rate-limit', code: 'MCPSCOPE_RATE_LIMIT_HOOK_FAILED', hook: 'client.limit', error: failure },
      { plugin: 'rate-limit', code: 'MCPSCOPE_RATE_LIMIT_HOOK_FAILED', hook: 'key', error: failure },
      { plugin: 'sentry', code: 'MCPSCOPE_SENTRY_HOOK_FAILED', hook: 'beforeCapture', error: failure },
      { plugin: 'tracing', code: 'MCPSCOPE_TRACING_HOOK_FAILED', hook: 'requestHook', error: failure },
    ]);

    // Every signal still recorded each request, as one that names no tenant.
    expect(serverSpans().map((span) => [span.name, span.attributes['tenant.id']])).toEqual([
      ['initialize', undefined],
      ['tools/call lookup', undefined],
      ['tools/call generate_report', undefined],
      ['tools/call explode', undefined],
      ['tools/call lookup', undefined],
      ['tools/call explode', undefined],
    ]);
    expect(
      lines()
        .filter((line) => line['mcp.method.name'] === 'tools/call')
        .map((line) => [line.msg, line.tenant, line.level]),
    ).toEqual([
      ['tools/call lookup ok', undefined, 30],
      ['tools/call generate_report ok', undefined, 30],
      ['tools/call explode tool_error', undefined, 50],
      ['tools/call lookup ok', undefined, 30],
      ['tools/call explode tool_error', undefined, 50],
    ]);
    expect(
      samplesBy(await registry.metrics(), 'mcp_server_operation_duration_seconds_count', 'tenant'),
    ).toEqual({ '': 7 });
    expect(receiver.events().map((event) => [exceptionOf(event)?.value, event.tags?.tenant])).toEqual([
      [EXPLODE_MESSAGE, undefined],
      [EXPLODE_MESSAGE, undefined],
    ]);
    // Keyed by the connection, on the default plan: 1 + 5 + 1 + 1 + 1 = 9 of 10 units.
    expect(plugins.limiter.stats()).toMatchObject({ allowed: 5, refused: 0 });
  });
});
