/**
 * instrument.ts in a real child process: the NodeSDK exports over OTLP/HTTP (JSON) what the OTEL_* variables
 * say, Sentry 11 leaves the tracer provider to it, and OTEL_LOG_LEVEL never writes to stdout (on a stdio
 * server, the MCP transport).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSentryReceiver } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const INSTRUMENT = fileURLToPath(new URL('./instrument.ts', import.meta.url));
const CAPTURE_IN_SPAN = fileURLToPath(new URL('./fixtures/capture-in-span.ts', import.meta.url));

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
const attributes = (list: KeyValue[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? Number(value.intValue)]));

/** A local OTLP/HTTP JSON endpoint: every request body, by path. */
async function startOtlpEndpoint() {
  const received: { path: string; body: Record<string, unknown> }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

describe('instrument.ts', () => {
  it('exports spans and metrics over OTLP/HTTP as the OTEL_* variables say, beside Sentry (which takes no tracer provider)', async () => {
    const [otlp, sentry] = await Promise.all([startOtlpEndpoint(), startSentryReceiver()]);
    cleanup.push(otlp.close, sentry.close);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CAPTURE_IN_SPAN], {
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'checkout-service',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
        SENTRY_DSN: sentry.dsn,
      },
    });
    const span = JSON.parse(stdout) as { traceId: string; spanId: string };

    // One export each, at sdk.shutdown(): the span through the NodeSDK's own tracer provider.
    expect(otlp.received.map(({ path }) => path).sort()).toEqual(['/v1/metrics', '/v1/traces']);
    const traces = otlp.received.find(({ path }) => path === '/v1/traces')!.body as {
      resourceSpans: {
        resource: { attributes: KeyValue[] };
        scopeSpans: { spans: { name: string; traceId: string; spanId: string }[] }[];
      }[];
    };
    const [resourceSpans] = traces.resourceSpans;
    expect(attributes(resourceSpans!.resource.attributes)).toMatchObject({
      'service.name': 'checkout-service',
      'deployment.environment.name': 'test',
    });
    expect(
      resourceSpans!.scopeSpans
        .flatMap(({ spans }) => spans)
        .map(({ name, traceId, spanId }) => ({ name, traceId, spanId })),
    ).toEqual([{ name: 'checkout', traceId: span.traceId, spanId: span.spanId }]);
    const exportedMetrics = otlp.received.find(({ path }) => path === '/v1/metrics')!.body as {
      resourceMetrics: {
        resource: { attributes: KeyValue[] };
        scopeMetrics: {
          metrics: {
            name: string;
            sum: { dataPoints: { asDouble?: number; asInt?: string | number; attributes: KeyValue[] }[] };
          }[];
        }[];
      }[];
    };
    const [resourceMetrics] = exportedMetrics.resourceMetrics;
    expect(attributes(resourceMetrics!.resource.attributes)['service.name']).toBe('checkout-service');
    expect(
      resourceMetrics!.scopeMetrics.flatMap(({ metrics }) =>
        metrics.map(({ name, sum }) => ({
          name,
          points: sum.dataPoints.map((point) => ({
            value: Number(point.asInt ?? point.asDouble),
            attributes: attributes(point.attributes),
          })),
        })),
      ),
    ).toEqual([
      { name: 'checkout.declined', points: [{ value: 2, attributes: { 'payment.method': 'card' } }] },
    ]);

    // Sentry's own capture arrives, on Sentry's own trace: Sentry.openTelemetryIntegration() would put it on the
    // active span's, but @sentry/node's copy of @opentelemetry/api (1.10.0 here) ignores the globals the SDK
    // registered with 1.9.0 (1.10 accepts a registry of minor 10 or later), so it would see no active span.
    const [event, ...others] = sentry.events();
    expect(others).toEqual([]);
    expect(event!.exception?.values?.map(({ type, value }) => `${type}: ${value}`)).toEqual([
      'Error: payment declined',
    ]);
    expect(event!.contexts?.trace?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(event!.contexts?.trace?.trace_id).not.toBe(span.traceId);
  });

  it.each(['debug', 'verbose', 'nonsense'])(
    'OTEL_LOG_LEVEL=%s: the SDK writes nothing on stdout',
    async (level) => {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', INSTRUMENT], {
        env: { ...process.env, OTEL_LOG_LEVEL: level },
      });
      expect(stdout).toBe('');
      // The SDK's own lines went to stderr instead (none for a level it does not know).
      expect(stderr.includes('@opentelemetry/api: Registered a global for diag v1.9.0.')).toBe(
        level !== 'nonsense',
      );
    },
  );
});
