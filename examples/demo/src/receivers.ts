/**
 * Local endpoints the demo points the example at, so nothing leaves the machine: an OTLP/HTTP (JSON)
 * receiver for traces (POST /v1/traces) and metrics (POST /v1/metrics), and a Sentry envelope endpoint
 * (DSN http://public@127.0.0.1:PORT/1).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** An OTLP attribute value (JSON encoding: 64-bit integers may come as strings). */
export interface OtlpAnyValue {
  readonly stringValue?: string;
  readonly intValue?: string | number;
  readonly doubleValue?: number;
  readonly boolValue?: boolean;
}

export interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpAnyValue;
}

export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes?: OtlpKeyValue[];
  readonly status?: { code?: number };
  /** The attributes of the resource that exported the span (service.name...). */
  readonly resource: Record<string, string | number | boolean>;
}

interface OtlpTraceExport {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** One data point of a received metric: a histogram's count and sum, or a sum's or gauge's value. */
export interface OtlpDataPoint {
  readonly attributes?: OtlpKeyValue[];
  readonly timeUnixNano: string;
  readonly count?: string | number;
  readonly sum?: number;
  readonly asInt?: string | number;
  readonly asDouble?: number;
}

export interface OtlpMetric {
  readonly name: string;
  readonly unit?: string;
  readonly histogram?: { dataPoints?: OtlpDataPoint[]; aggregationTemporality?: number };
  readonly sum?: { dataPoints?: OtlpDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  readonly gauge?: { dataPoints?: OtlpDataPoint[] };
}

/** A metric as one export carried it, with its resource and instrumentation scope. */
export interface ReceivedMetric {
  readonly metric: OtlpMetric;
  readonly scope: string;
  readonly resource: Record<string, string | number | boolean>;
}

interface OtlpMetricsExport {
  resourceMetrics?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeMetrics?: { scope?: { name?: string }; metrics?: OtlpMetric[] }[];
  }[];
}

export function anyValueOf(value: OtlpAnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue ?? '';
}

export function attributesOf(
  list: readonly OtlpKeyValue[] | undefined,
): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, anyValueOf(value)]));
}

export interface SentryEvent {
  readonly event_id?: string;
  readonly level?: string;
  readonly message?: string;
  readonly exception?: { values?: { type?: string; value?: string }[] };
  readonly tags?: Record<string, string>;
  readonly fingerprint?: string[];
  /** The trace the event belongs to (with openTelemetryIntegration: the active OpenTelemetry span's). */
  readonly contexts?: { trace?: { trace_id?: string; span_id?: string; parent_span_id?: string } };
}

export interface Receiver<Item> {
  readonly url: string;
  readonly items: Item[];
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

async function listen<Item>(
  collect: (payload: Buffer, items: Item[], path: string) => void,
  status: number,
): Promise<Receiver<Item>> {
  const items: Item[] = [];
  const server: Server = createServer((request, response) => {
    body(request)
      .then((payload) => collect(payload, items, request.url ?? ''))
      .catch(() => undefined)
      .finally(() => response.writeHead(status, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    items,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface OtlpReceiver extends Receiver<OtlpSpan> {
  /** The spans (POST /v1/traces), as `items`. */
  readonly spans: OtlpSpan[];
  /** Every metric of every export (POST /v1/metrics), in arrival order. */
  readonly metrics: ReceivedMetric[];
  /** How many metric exports arrived. */
  readonly metricExports: () => number;
}

/**
 * Collects what the example exports over OTLP/HTTP with JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json):
 * spans on /v1/traces, metrics on /v1/metrics.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const metrics: ReceivedMetric[] = [];
  let metricExports = 0;
  const receiver = await listen<OtlpSpan>((payload, spans, path) => {
    if (path === '/v1/metrics') {
      metricExports++;
      const decoded = JSON.parse(payload.toString('utf8')) as OtlpMetricsExport;
      for (const resourceMetrics of decoded.resourceMetrics ?? []) {
        const resource = attributesOf(resourceMetrics.resource?.attributes);
        for (const scope of resourceMetrics.scopeMetrics ?? []) {
          for (const metric of scope.metrics ?? [])
            metrics.push({ metric, scope: scope.scope?.name ?? '', resource });
        }
      }
      return;
    }
    const decoded = JSON.parse(payload.toString('utf8')) as OtlpTraceExport;
    for (const resourceSpans of decoded.resourceSpans ?? []) {
      const resource = attributesOf(resourceSpans.resource?.attributes);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) spans.push({ ...span, resource });
      }
    }
  }, 200);
  return { ...receiver, spans: receiver.items, metrics, metricExports: () => metricExports };
}

/** Collects the error events in the envelopes @sentry/node sends. */
export function startSentryReceiver(): Promise<Receiver<SentryEvent>> {
  return listen<SentryEvent>((payload, events) => {
    const lines = payload.toString('utf8').split('\n');
    for (let index = 1; index + 1 < lines.length; index += 2) {
      const header = JSON.parse(lines[index]!) as { type?: string };
      if (header.type === 'event') events.push(JSON.parse(lines[index + 1]!) as SentryEvent);
    }
  }, 200);
}
