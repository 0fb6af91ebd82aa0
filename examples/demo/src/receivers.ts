/**
 * Local endpoints the demo points the example at, so nothing leaves the machine: an OTLP/HTTP (JSON)
 * trace receiver and a Sentry envelope endpoint (DSN http://public@127.0.0.1:PORT/1).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
  readonly status?: { code?: number };
}

interface OtlpExport {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

export interface SentryEvent {
  readonly event_id?: string;
  readonly level?: string;
  readonly message?: string;
  readonly exception?: { values?: { type?: string; value?: string }[] };
  readonly tags?: Record<string, string>;
  readonly fingerprint?: string[];
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
  collect: (payload: Buffer, items: Item[]) => void,
  status: number,
): Promise<Receiver<Item>> {
  const items: Item[] = [];
  const server: Server = createServer((request, response) => {
    body(request)
      .then((payload) => collect(payload, items))
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

/** Collects the spans the example exports over OTLP/HTTP with JSON encoding. */
export function startOtlpReceiver(): Promise<Receiver<OtlpSpan>> {
  return listen<OtlpSpan>((payload, spans) => {
    const decoded = JSON.parse(payload.toString('utf8')) as OtlpExport;
    for (const resource of decoded.resourceSpans ?? []) {
      for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
    }
  }, 200);
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
