/**
 * An OTLP/HTTP metrics receiver on 127.0.0.1 for the real `OTLPMetricExporter` (JSON): it keeps every
 * export request, decoded, and its content type. Used by src/otlp-export.test.ts and
 * src/readme-examples.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpValue {
  readonly stringValue?: string;
}
export interface OtlpPoint {
  readonly attributes?: { key: string; value: OtlpValue }[];
  readonly count?: number | string;
  /** A sum's value: `asInt` or `asDouble` (the SDK sends counters as doubles unless told otherwise). */
  readonly asInt?: number | string;
  readonly asDouble?: number;
  readonly explicitBounds?: number[];
}
export interface OtlpMetric {
  readonly name: string;
  readonly unit?: string;
  readonly histogram?: { dataPoints: OtlpPoint[] };
  readonly sum?: { dataPoints: OtlpPoint[]; isMonotonic?: boolean };
}
export interface OtlpRequest {
  readonly resourceMetrics: { scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[] }[];
}

export interface OtlpReceiver {
  /** The exporter's `url` (`http://127.0.0.1:<port>/v1/metrics`). */
  readonly url: string;
  readonly requests: OtlpRequest[];
  readonly contentTypes: string[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      contentTypes.push(String(request.headers['content-type']));
      requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`,
    requests,
    contentTypes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A data point's string attributes, by key. */
export const attributesOf = (point: OtlpPoint): Record<string, string | undefined> =>
  Object.fromEntries((point.attributes ?? []).map(({ key, value }) => [key, value.stringValue]));

/** A sum point's value, whichever of `asInt` and `asDouble` carries it (protobuf JSON omits a 0 `asInt`). */
export const sumValueOf = (point: OtlpPoint): number => Number(point.asInt ?? point.asDouble ?? 0);
