/**
 * A local Sentry ingest endpoint on 127.0.0.1: accepts envelopes (plain or gzipped), answers `{}`, and
 * counts what arrived per public key, so each worker can be given a DSN of its own and the report can say
 * how many spans and events Sentry really sent.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface EnvelopeCounts {
  envelopes: number;
  spans: number;
  transactions: number;
  events: number;
  bytes: number;
}

export interface SentryEndpoint {
  /** A DSN whose envelopes are counted under `key`. */
  dsn(key: string): string;
  counts(key: string): EnvelopeCounts;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/** Counts the items of one envelope: header line, then item header and payload lines. */
function countItems(envelope: string, counts: EnvelopeCounts): void {
  const lines = envelope.split('\n');
  counts.envelopes++;
  for (let index = 1; index < lines.length; index += 2) {
    const line = lines[index];
    if (line === undefined || line === '') continue;
    const header = JSON.parse(line) as { type?: string; item_count?: number };
    if (header.type === 'span') counts.spans += header.item_count ?? 1;
    else if (header.type === 'transaction') counts.transactions++;
    else if (header.type === 'event') counts.events++;
  }
}

export async function startSentryEndpoint(): Promise<SentryEndpoint> {
  const byKey = new Map<string, EnvelopeCounts>();
  const countsOf = (key: string) => {
    let counts = byKey.get(key);
    if (counts === undefined) {
      counts = { envelopes: 0, spans: 0, transactions: 0, events: 0, bytes: 0 };
      byKey.set(key, counts);
    }
    return counts;
  };
  const server = createServer((request, response) => {
    const key = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('sentry_key') ?? '';
    readBody(request)
      .then((body) => {
        const counts = countsOf(key);
        counts.bytes += body.length;
        countItems(body.toString('utf8'), counts);
      })
      .catch(() => undefined)
      .finally(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: (key) => `http://${key}@127.0.0.1:${port}/1`,
    counts: (key) => ({ ...countsOf(key) }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
