/**
 * A local Sentry endpoint on 127.0.0.1: accepts envelopes the way sentry.io does (gzip or plain) and
 * parses them, so tests assert on exactly what the real @sentry/node sent.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface StackFrame {
  filename?: string;
  function?: string;
  lineno?: number;
  in_app?: boolean;
}

export interface ExceptionValue {
  type?: string;
  value?: string;
  stacktrace?: { frames?: StackFrame[] };
  mechanism?: { type?: string; handled?: boolean; data?: Record<string, unknown> };
}

export interface Breadcrumb {
  category?: string;
  message?: string;
  level?: string;
  timestamp?: number;
  data?: Record<string, unknown>;
}

/** The parts of an error event the tests read. */
export interface SentryEvent {
  event_id: string;
  level?: string;
  message?: string | { formatted?: string };
  logentry?: { message?: string };
  exception?: { values?: ExceptionValue[] };
  tags?: Record<string, string>;
  contexts?: Record<string, Record<string, unknown> | undefined>;
  fingerprint?: string[];
  breadcrumbs?: Breadcrumb[];
  timestamp?: number;
}

export interface EnvelopeItem {
  readonly header: Record<string, unknown>;
  readonly payload: unknown;
}

export interface Envelope {
  readonly header: Record<string, unknown>;
  readonly items: EnvelopeItem[];
  /** The request body as received (after gunzip). */
  readonly raw: string;
  readonly url: string;
}

export interface EnvelopeReceiver {
  /** `http://public@127.0.0.1:PORT/1` */
  readonly dsn: string;
  readonly envelopes: Envelope[];
  /** Error and message events, in arrival order. */
  events(): SentryEvent[];
  /** Every envelope body received, concatenated (for privacy assertions). */
  rawText(): string;
  clear(): void;
  /** Holds every answer back by `ms` from now on (undefined: answer at once), to prove flushes wait. */
  holdResponses(ms: number | undefined): void;
  close(): Promise<void>;
}

export function parseEnvelope(raw: string, url: string): Envelope {
  const lines = raw.split('\n');
  const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  // Every item here is JSON on one line: an item header line, then a payload line.
  for (let index = 1; index < lines.length; index += 2) {
    const headerLine = lines[index];
    if (headerLine === undefined || headerLine === '') continue;
    const itemHeader = JSON.parse(headerLine) as Record<string, unknown>;
    const body = lines[index + 1] ?? '';
    items.push({ header: itemHeader, payload: body === '' ? undefined : JSON.parse(body) });
  }
  return { header, items, raw, url };
}

/** Starts the endpoint; `responseDelayMs` holds every answer back (to prove flushing waits for it). */
export async function startEnvelopeReceiver(
  options: { responseDelayMs?: number } = {},
): Promise<EnvelopeReceiver> {
  const envelopes: Envelope[] = [];
  let delayMs = options.responseDelayMs;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const raw =
        request.headers['content-encoding'] === 'gzip'
          ? gunzipSync(body).toString('utf8')
          : body.toString('utf8');
      let connectionLost = false;
      response.once('close', () => {
        connectionLost = !response.writableEnded;
      });
      // An envelope counts as delivered once the SDK can read the answer: not if it went away first.
      const answer = (): void => {
        if (connectionLost) return;
        envelopes.push(parseEnvelope(raw, request.url ?? ''));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      };
      if (delayMs === undefined) answer();
      else setTimeout(answer, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    events: () =>
      envelopes.flatMap((envelope) =>
        envelope.items
          .filter((item) => item.header.type === 'event')
          .map((item) => item.payload as SentryEvent),
      ),
    rawText: () => envelopes.map((envelope) => envelope.raw).join('\n'),
    clear: () => {
      envelopes.length = 0;
    },
    holdResponses: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The exception an event reports (the last value; earlier ones are causes). */
export function exceptionOf(event: SentryEvent): ExceptionValue | undefined {
  const values = event.exception?.values ?? [];
  return values[values.length - 1];
}
