/** A local Sentry endpoint (DSN `http://public@127.0.0.1:PORT/1`) that decodes the envelopes it gets. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface SentryItem {
  readonly header: { type: string };
  readonly payload: Record<string, unknown>;
}

export interface SentryReceiver {
  readonly dsn: string;
  readonly items: SentryItem[];
  /** Names of every span Sentry received: transactions and their child spans. */
  spanNames(): string[];
  close(): Promise<void>;
}

export async function startSentryReceiver(): Promise<SentryReceiver> {
  const items: SentryItem[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const lines = body.toString('utf8').split('\n');
      for (let index = 1; index + 1 < lines.length; index += 2) {
        items.push({ header: JSON.parse(lines[index]!), payload: JSON.parse(lines[index + 1]!) });
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    items,
    spanNames() {
      const names: string[] = [];
      for (const { header, payload } of items) {
        if (header.type !== 'transaction') continue;
        names.push(payload.transaction as string);
        for (const span of (payload.spans as { description?: string }[] | undefined) ?? []) {
          if (span.description !== undefined) names.push(span.description);
        }
      }
      return names;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function count(names: readonly string[], name: string): number {
  return names.filter((candidate) => candidate === name).length;
}
