/**
 * The demo: starts the HTTP example with all five plugins (its spans and metrics going over OTLP, and its
 * Sentry events, to local receivers), drives a realistic workload with the real MCP SDK client, stops the example with SIGTERM
 * (graceful drain), and prints what each plugin saw.
 */

import { observe } from '@mcpscope/core';
import { tracing } from '@mcpscope/tracing';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { startExample } from './example-process.js';
import { type FinalInstrument, finalMetrics, total } from './otlp-metrics.js';
import { bucketsOf, histogramQuantile, parseExposition, type Sample } from './prometheus-text.js';
import { anyValueOf, type OtlpSpan, startOtlpReceiver, startSentryReceiver } from './receivers.js';
import { renderTree, type TreeSpan } from './span-tree.js';
import { connectClient, runWorkload } from './workload.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const heading = (title: string) => out(`\n\x1b[1m${title}\x1b[0m`);
const interactive = process.stdout.isTTY === true;

// The demo's own tracing SDK: the client's spans, joined by the server's over OTLP into one trace.
const clientSpans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(clientSpans)] }),
);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

out('mcpscope demo: the weather MCP server over Streamable HTTP, observed by all five plugins');
const [otlp, sentryEndpoint] = await Promise.all([startOtlpReceiver(), startSentryReceiver()]);
const example = await startExample({
  // The example's OpenTelemetry SDK reads these itself: spans to /v1/traces and metrics to /v1/metrics as
  // JSON, a metric export every 500 ms (the last one when the drain shuts the SDK down), the resource.
  OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_METRIC_EXPORT_INTERVAL: '500',
  OTEL_SERVICE_NAME: 'weather-mcp-demo',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=demo',
  SENTRY_DSN: `http://public@${new URL(sentryEndpoint.url).host}/1`,
  LOG_LEVEL: 'info',
});
out(`  server: ${example.url.href}   metrics and probes: ${example.baseUrl}/metrics, /readyz`);

// ---- workload ---------------------------------------------------------------------------------------
heading(
  'Workload: a visitor lists the tools; 3 clients with 8 calls in flight each; a burst of 40 concurrent calls',
);
let lastShown = 0;
const report = await runWorkload(example.url, {
  onProgress(done, total) {
    const percent = Math.floor((done / total) * 100);
    if (interactive) {
      const filled = Math.round((done / total) * 30);
      process.stdout.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${total} calls`);
      if (done === total) process.stdout.write('\n');
    } else if (percent >= lastShown + 25 || done === total) {
      lastShown = percent - (percent % 25);
      out(`  ${done}/${total} calls (${percent}%)`);
    }
  },
});
out(
  `  ${report.calls} calls over ${report.sessions} sessions: ${report.answered} answered, ${report.rejected} rejected by the SDK client (JSON-RPC errors, cancellations)`,
);

// One traced request: the client's span, then the server's, then the tool's call to its upstream.
const tracer = trace.getTracer('demo');
const traced = await connectClient(
  example.url,
  { name: 'demo-traced-client', version: '1.0.0' },
  (client) => void observe(client).use(tracing()),
);
const tracedTraceId = await tracer.startActiveSpan(
  'demo: plan a trip to Lisbon',
  { kind: SpanKind.INTERNAL },
  async (root) => {
    await traced.client.callTool({ name: 'get_forecast', arguments: { city: 'Lisbon', days: 2 } });
    root.end();
    return root.spanContext().traceId;
  },
);
await traced.close();

// ---- metrics, read back from /metrics ------------------------------------------------------------------
const samples = parseExposition(await (await fetch(`${example.baseUrl}/metrics`)).text());
const readiness = (await (await fetch(`${example.baseUrl}/readyz?verbose`)).json()) as {
  status: string;
  checks?: Record<string, { status: string; observedValue?: unknown; observedUnit?: string }[]>;
};

heading('Metrics (read back from /metrics): requests by tool');
printToolTable(samples);
printOtherMethods(samples);

heading('Health (/readyz?verbose)');
out(`  status: ${readiness.status}`);
for (const [name, [check]] of Object.entries(readiness.checks ?? {})) {
  if (check === undefined) continue;
  const observed =
    check.observedValue === undefined
      ? ''
      : ` (${check.observedValue}${check.observedUnit ? ` ${check.observedUnit}` : ''})`;
  out(`  ${check.status.padEnd(4)} ${name}${observed}`);
}

// ---- graceful shutdown ---------------------------------------------------------------------------------
heading('Graceful shutdown (SIGTERM)');
const exitCode = await example.stop();
for (const line of example.stderrLines.filter((line) => line.startsWith('[mcpscope] health:')))
  out(`  ${line}`);
out(`  the example exited with code ${exitCode}`);

heading('Logs (pino JSON lines on the example’s stderr; a few of them)');
printLogLines(example.stderrLines);

heading('Trace of one request (client span from this process, server spans exported over OTLP)');
const tree = renderTree([
  ...clientSpans
    .getFinishedSpans()
    .filter((span) => span.spanContext().traceId === tracedTraceId)
    .map(fromLocalSpan),
  ...otlp.spans.filter((span) => span.traceId === tracedTraceId).map(fromOtlpSpan),
]);
for (const line of tree) out(`  ${line}`);
out(`  (${otlp.spans.length} server spans exported in all)`);

heading('Metrics the example exported over OTLP (its receiver decoded POST /v1/metrics)');
const received = finalMetrics(otlp.metrics);
printOtlpMetrics(received);

heading('Errors Sentry received (local envelope endpoint)');
printSentryEvents(sentryEndpoint.items);
// Sentry and OpenTelemetry side by side: each error sits on the trace of the server span exported over OTLP.
const onExportedTrace = sentryEndpoint.items.filter((event) =>
  otlp.spans.some(
    (span) =>
      span.kind === 2 && // OTLP SPAN_KIND_SERVER
      span.traceId === event.contexts?.trace?.trace_id &&
      span.spanId === event.contexts?.trace?.parent_span_id,
  ),
).length;
out(
  `  ${onExportedTrace} of ${sentryEndpoint.items.length} events sit under the tools/call server span exported over OTLP (same trace id, that span as parent)`,
);

await Promise.all([otlp.close(), sentryEndpoint.close()]);
out(
  `\nDone: ${report.calls + 1} calls, ${otlp.spans.length} spans, ${received.size} OpenTelemetry instruments, ${sentryEndpoint.items.length} Sentry events; nothing left running.`,
);
process.exitCode = exitCode === 0 ? 0 : 1;

// ---- formatting --------------------------------------------------------------------------------------

function printToolTable(all: readonly Sample[]): void {
  const counts = all.filter(
    (sample) =>
      sample.name === 'mcp_server_operation_duration_seconds_count' &&
      sample.labels.mcp_method_name === 'tools/call',
  );
  const tools = [...new Set(counts.map((sample) => sample.labels.gen_ai_tool_name ?? ''))].sort();
  out(
    `  ${'tool'.padEnd(14)} ${'calls'.padStart(6)} ${'errors'.padStart(7)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)}  why they failed`,
  );
  for (const tool of tools) {
    const ofTool = counts.filter((sample) => sample.labels.gen_ai_tool_name === tool);
    const calls = ofTool.reduce((sum, sample) => sum + sample.value, 0);
    const failed = ofTool.filter((sample) => sample.labels.mcp_request_outcome !== 'ok');
    const errors = failed.reduce((sum, sample) => sum + sample.value, 0);
    const reasons = failed
      .map(
        (sample) =>
          `${sample.labels.mcp_tool_error_reason || sample.labels.error_type || sample.labels.mcp_request_outcome} ×${sample.value}`,
      )
      .join(', ');
    const buckets = bucketsOf(
      all,
      'mcp_server_operation_duration_seconds',
      (labels) => labels.mcp_method_name === 'tools/call' && labels.gen_ai_tool_name === tool,
    );
    const quantile = (q: number) => `${(histogramQuantile(q, buckets) * 1000).toFixed(0)} ms`;
    const errorRate = calls === 0 ? 0 : (errors / calls) * 100;
    out(
      `  ${(tool === '_OTHER' ? '(unknown)' : tool).padEnd(14)} ${String(calls).padStart(6)} ${`${errorRate.toFixed(0)}%`.padStart(7)} ${quantile(0.5).padStart(8)} ${quantile(0.95).padStart(8)} ${quantile(0.99).padStart(8)}  ${reasons}`,
    );
  }
}

function printOtherMethods(all: readonly Sample[]): void {
  const byMethod = new Map<string, { total: number; failed: number }>();
  for (const sample of all) {
    if (
      sample.name !== 'mcp_server_operation_duration_seconds_count' ||
      sample.labels.mcp_method_name === 'tools/call'
    )
      continue;
    const method = sample.labels.mcp_method_name ?? '';
    const entry = byMethod.get(method) ?? { total: 0, failed: 0 };
    entry.total += sample.value;
    if (sample.labels.mcp_request_outcome !== 'ok') entry.failed += sample.value;
    byMethod.set(method, entry);
  }
  const refused = all
    .filter((sample) => sample.name === 'mcp_server_refused_requests_total' && sample.value > 0)
    .map(
      (sample) =>
        `${sample.labels.gen_ai_tool_name || sample.labels.mcp_method_name} ${sample.value} (${sample.labels.mcp_refusal_plugin}: ${sample.labels.mcp_refusal_reason}, per ${sample.labels.mcp_refusal_scope})`,
    );
  out(`  refused by plugins: ${refused.length === 0 ? 'none' : refused.join(', ')}`);
  const sessions =
    all.find((sample) => sample.name === 'mcp_server_session_duration_seconds_count')?.value ?? 0;
  out(
    `  other methods: ${[...byMethod].map(([method, { total, failed }]) => `${method} ${total}${failed ? ` (${failed} failed)` : ''}`).join(', ')}`,
  );
  out(
    `  sessions ended: ${sessions}; requests in flight now: ${all.filter((sample) => sample.name === 'mcp_server_active_requests').reduce((sum, sample) => sum + sample.value, 0)}`,
  );
}

function printLogLines(lines: readonly string[]): void {
  const parsed = lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const pick = [
    parsed.find((line) => line.msg === 'fetching forecast'),
    parsed.find(
      (line) => line['gen_ai.tool.name'] === 'get_forecast' && line['mcp.request.outcome'] === 'ok',
    ),
    parsed.find((line) => line.level === 40 && line['gen_ai.tool.name'] === 'convert'),
    parsed.find((line) => line.level === 50),
  ].filter((line): line is Record<string, unknown> => line !== undefined);
  const levels: Record<number, string> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };
  const keys = [
    'mcp.method.name',
    'gen_ai.tool.name',
    'mcp.request.outcome',
    'error.type',
    'mcp.tool.error_reason',
    'duration_ms',
    'mcp.client.name',
    'trace_id',
    'city',
  ];
  for (const line of pick) {
    const fields = keys
      .filter((key) => line[key] !== undefined)
      .map((key) => `${key}=${key === 'trace_id' ? `${String(line[key]).slice(0, 8)}…` : line[key]}`);
    const error = (line.err as { message?: string } | undefined)?.message;
    out(
      `  ${(levels[line.level as number] ?? String(line.level)).padEnd(5)} ${line.msg}  ${fields.join(' ')}${error ? `  err="${error}"` : ''}`,
    );
  }
  out(`  (${parsed.length} JSON lines in all)`);
}

function printSentryEvents(
  events: readonly {
    exception?: { values?: { type?: string; value?: string }[] };
    message?: string;
    tags?: Record<string, string>;
  }[],
): void {
  const groups = new Map<string, { count: number; tags: Record<string, string> | undefined }>();
  for (const event of events) {
    const exception = event.exception?.values?.at(-1);
    const title = exception ? `${exception.type}: ${exception.value}` : (event.message ?? '(no message)');
    const group = groups.get(title) ?? { count: 0, tags: event.tags };
    group.count++;
    groups.set(title, group);
  }
  for (const [title, { count, tags }] of groups) {
    const shown = ['mcp.method.name', 'gen_ai.tool.name', 'mcp.client.name', 'mcp.tool.error_reason']
      .filter((key) => tags?.[key] !== undefined)
      .map((key) => `${key}=${tags![key]}`);
    out(`  ${String(count).padStart(3)} × ${title}  ${shown.join(' ')}`);
  }
  if (events.length === 0) out('  (none)');
  out(
    '  not sent: invalid arguments, unknown tools, -32602 (client mistakes), and isError results the tool returned itself',
  );
}

function printOtlpMetrics(instruments: ReadonlyMap<string, FinalInstrument>): void {
  const resource = otlp.metrics.at(-1)?.resource ?? {};
  const shown = ['service.name', 'deployment.environment.name', 'telemetry.sdk.name', 'telemetry.sdk.version']
    .filter((key) => resource[key] !== undefined)
    .map((key) => `${key}=${resource[key]}`);
  out(`  ${otlp.metricExports()} exports; resource: ${shown.join(' ')}`);
  out(
    `  ${'instrument'.padEnd(34)} ${'kind'.padEnd(13)} ${'points'.padStart(6)} ${'total'.padStart(6)}  scope`,
  );
  for (const instrument of [...instruments.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = `${instrument.name}${instrument.unit ? ` (${instrument.unit})` : ''}`;
    out(
      `  ${name.padEnd(34)} ${instrument.kind.padEnd(13)} ${String(instrument.points.length).padStart(6)} ${String(total(instrument)).padStart(6)}  ${instrument.scope}`,
    );
  }
  out('  (points: data points, one per attribute set; total: observations of a histogram, value of a sum)');
  const operations = instruments.get('mcp.server.operation.duration');
  const calls = (operations?.points ?? []).filter(
    (point) => point.attributes['mcp.method.name'] === 'tools/call',
  );
  const tools = [...new Set(calls.map((point) => String(point.attributes['gen_ai.tool.name'])))].sort();
  out(
    `  tools/call observations by gen_ai.tool.name: ${tools
      .map(
        (tool) =>
          `${tool} ${total(operations, (attributes) => attributes['mcp.method.name'] === 'tools/call' && attributes['gen_ai.tool.name'] === tool)}`,
      )
      .join(', ')}`,
  );
  out('  a few attribute sets of mcp.server.operation.duration:');
  const examples = [
    calls.find(
      (point) =>
        point.attributes['gen_ai.tool.name'] === 'get_forecast' &&
        point.attributes['error.type'] === undefined,
    ),
    calls.find((point) => point.attributes['gen_ai.tool.name'] === 'radar_image'),
    (operations?.points ?? []).find((point) => point.attributes['rpc.response.status_code'] !== undefined),
  ];
  for (const point of examples) {
    if (point === undefined) continue;
    const attributes = Object.entries(point.attributes)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    out(`    ${point.value} × {${attributes}}`);
  }
  const sessions = instruments.get('mcp.server.session.duration');
  out(
    `  mcp.server.session.duration: ${total(sessions)} sessions over ${sessions?.points.length ?? 0} attribute sets`,
  );
}

function fromLocalSpan(span: ReturnType<InMemorySpanExporter['getFinishedSpans']>[number]): TreeSpan {
  const nanos = ([seconds, nanoseconds]: [number, number]) =>
    BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
  return {
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: SpanKind[span.kind]!,
    service: 'demo client',
    startNanos: nanos(span.startTime),
    endNanos: nanos(span.endTime),
    error: span.status.code === 2,
    attributes: span.attributes as Record<string, string | number | boolean>,
  };
}

function fromOtlpSpan(span: OtlpSpan): TreeSpan {
  const attributes: Record<string, string | number> = {};
  for (const { key, value } of span.attributes ?? []) {
    const decoded = anyValueOf(value);
    attributes[key] = typeof decoded === 'boolean' ? String(decoded) : decoded;
  }
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId || undefined,
    name: span.name,
    kind:
      ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'][span.kind] ?? String(span.kind),
    service: String(span.resource['service.name']),
    startNanos: BigInt(span.startTimeUnixNano),
    endNanos: BigInt(span.endTimeUnixNano),
    error: span.status?.code === 2,
    attributes,
  };
}
