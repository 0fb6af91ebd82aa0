/** A local OTLP/HTTP (JSON) receiver: keeps every export request's path, headers and decoded body. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** OTLP/JSON as the exporter sends it (the parts the tests read). */
export interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
}
export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  events: { name: string; attributes: OtlpAttribute[] }[];
  status: { code?: number; message?: string };
}
export interface OtlpExport {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

export const OTLP_SPAN_KIND_SERVER = 2;
export const OTLP_SPAN_KIND_CLIENT = 3;
export const OTLP_STATUS_CODE_ERROR = 2;

export function decodeAttributes(attributes: OtlpAttribute[]): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const { key, value } of attributes) {
    decoded[key] =
      value.stringValue ?? (value.intValue === undefined ? value.boolValue : Number(value.intValue));
  }
  return decoded;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT`: the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly received: { path: string; headers: IncomingHttpHeaders; body: OtlpExport }[];
  /** Every span received, with its resource's attributes and its scope. */
  spans(): (OtlpSpan & { resource: Record<string, unknown>; scope: string })[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: OtlpReceiver['received'] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      received.push({
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport,
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    spans: () =>
      received.flatMap(({ body }) =>
        body.resourceSpans.flatMap(({ resource, scopeSpans }) =>
          scopeSpans.flatMap(({ scope, spans }) =>
            spans.map((span) => ({
              ...span,
              resource: decodeAttributes(resource.attributes),
              scope: `${scope.name}@${scope.version}`,
            })),
          ),
        ),
      ),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
