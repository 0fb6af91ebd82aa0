/**
 * A local Sentry endpoint on 127.0.0.1 that accepts envelopes the way sentry.io does (plain or gzipped)
 * and parses them, so tests assert on exactly what the real @sentry/node sent
 * (DSN `http://public@127.0.0.1:PORT/1`). It can hold its answers back (a slow endpoint), answer with an
 * error status (a failing one), and count envelopes per public key (one DSN per worker).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface SentryStackFrame {
  filename?: string;
  function?: string;
  lineno?: number;
  in_app?: boolean;
  vars?: Record<string, unknown>;
}

export interface SentryExceptionValue {
  type?: string;
  value?: string;
  stacktrace?: { frames?: SentryStackFrame[] };
  mechanism?: { type?: string; handled?: boolean; data?: Record<string, unknown> };
}

export interface SentryBreadcrumb {
  type?: string;
  category?: string;
  message?: string;
  level?: string;
  timestamp?: number;
  data?: Record<string, unknown>;
}

/** The parts of an error, message or transaction event that tests read. */
export interface SentryEvent {
  event_id: string;
  type?: string;
  level?: string;
  message?: string | { formatted?: string };
  logentry?: { message?: string; params?: unknown[] };
  exception?: { values?: SentryExceptionValue[] };
  tags?: Record<string, string>;
  user?: Record<string, unknown>;
  contexts?: Record<string, Record<string, unknown> | undefined>;
  request?: {
    url?: string;
    method?: string;
    data?: unknown;
    query_string?: unknown;
    cookies?: Record<string, string>;
    headers?: Record<string, string>;
  };
  fingerprint?: string[];
  breadcrumbs?: SentryBreadcrumb[];
  timestamp?: number;
  transaction?: string;
  spans?: { description?: string; span_id?: string; trace_id?: string }[];
}

export interface SentryEnvelopeItem {
  readonly header: { type?: string; item_count?: number; length?: number; [key: string]: unknown };
  /** The item's JSON payload (undefined for an empty or non-JSON payload, such as a binary attachment). */
  readonly payload: unknown;
}

export interface SentryEnvelope {
  readonly header: Record<string, unknown>;
  readonly items: readonly SentryEnvelopeItem[];
  /** The request body as received (after gunzip). */
  readonly raw: string;
  /** The public key of the DSN it was sent with (`sentry_key`). */
  readonly key: string;
}

export interface SentryEnvelopeCounts {
  envelopes: number;
  events: number;
  transactions: number;
  spans: number;
  bytes: number;
}

export interface SentryReceiverOptions {
  /** Holds every answer back by this many milliseconds (to prove that a flush waits). */
  readonly responseDelayMs?: number;
}

export interface SentryReceiver {
  /** `http://public@127.0.0.1:PORT/1` */
  readonly dsn: string;
  /** A DSN whose envelopes are counted under `key` (see `counts`). */
  dsnFor(key: string): string;
  /** Envelopes answered with 200, in the order they were answered. */
  readonly envelopes: readonly SentryEnvelope[];
  /** Requests that arrived, answered or not. */
  readonly requests: number;
  /** Error and message events, in arrival order. */
  events(): SentryEvent[];
  /** Transaction events. */
  transactions(): SentryEvent[];
  /** The names of every span received: transactions and their child spans. */
  spanNames(): string[];
  /** Every envelope body received and answered, joined (for privacy assertions). */
  rawText(): string;
  /** What arrived under one DSN key (`dsnFor`), answered or not. */
  counts(key: string): SentryEnvelopeCounts;
  clear(): void;
  /** Holds every answer back by `ms` from now on (undefined: answer at once). */
  holdResponses(ms: number | undefined): void;
  /** Keeps every answer until `release()`. */
  hold(): void;
  release(): void;
  /** Answers every envelope from now on with this HTTP status (undefined: 200); refused ones are not kept. */
  answerWith(status: number | undefined): void;
  close(): Promise<void>;
}

/** Parses one envelope: a header line, then items of a header line and a payload (`length` bytes, or a line). */
export function parseSentryEnvelope(body: Buffer, key = ''): SentryEnvelope {
  const items: SentryEnvelopeItem[] = [];
  let offset = body.indexOf(10);
  const header = JSON.parse(
    body.subarray(0, offset === -1 ? body.length : offset).toString('utf8'),
  ) as Record<string, unknown>;
  while (offset !== -1 && offset + 1 < body.length) {
    const headerEnd = body.indexOf(10, offset + 1);
    const headerText = body.subarray(offset + 1, headerEnd === -1 ? body.length : headerEnd).toString('utf8');
    if (headerText === '') break;
    const itemHeader = JSON.parse(headerText) as SentryEnvelopeItem['header'];
    const payloadStart = headerEnd === -1 ? body.length : headerEnd + 1;
    let payloadEnd: number;
    if (typeof itemHeader.length === 'number') payloadEnd = payloadStart + itemHeader.length;
    else {
      const newline = body.indexOf(10, payloadStart);
      payloadEnd = newline === -1 ? body.length : newline;
    }
    const payloadText = body.subarray(payloadStart, payloadEnd).toString('utf8');
    let payload: unknown;
    try {
      payload = payloadText === '' ? undefined : JSON.parse(payloadText);
    } catch {
      payload = undefined;
    }
    items.push({ header: itemHeader, payload });
    offset = payloadEnd < body.length && body[payloadEnd] === 10 ? payloadEnd : -1;
  }
  return { header, items, raw: body.toString('utf8'), key };
}

function emptyCounts(): SentryEnvelopeCounts {
  return { envelopes: 0, events: 0, transactions: 0, spans: 0, bytes: 0 };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve(request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body);
    });
  });
}

/** Starts the endpoint on 127.0.0.1 (a free port). */
export async function startSentryReceiver(options: SentryReceiverOptions = {}): Promise<SentryReceiver> {
  const envelopes: SentryEnvelope[] = [];
  const byKey = new Map<string, SentryEnvelopeCounts>();
  const held: (() => void)[] = [];
  let delayMs = options.responseDelayMs;
  let holding = false;
  let status: number | undefined;
  let requests = 0;

  const count = (envelope: SentryEnvelope, bytes: number): void => {
    let counts = byKey.get(envelope.key);
    if (counts === undefined) {
      counts = emptyCounts();
      byKey.set(envelope.key, counts);
    }
    counts.envelopes++;
    counts.bytes += bytes;
    for (const { header } of envelope.items) {
      if (header.type === 'event') counts.events++;
      else if (header.type === 'transaction') counts.transactions++;
      else if (header.type === 'span') counts.spans += header.item_count ?? 1;
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    requests++;
    let connectionLost = false;
    response.once('close', () => {
      connectionLost = !response.writableEnded;
    });
    const body = await readBody(request);
    const key = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('sentry_key') ?? '';
    const envelope = parseSentryEnvelope(body, key);
    count(envelope, body.length);
    const answerStatus = status;
    // An envelope counts as delivered once the SDK can read the answer: not if it went away first.
    const answer = (): void => {
      if (connectionLost || response.destroyed) return;
      if (answerStatus === undefined) envelopes.push(envelope);
      response.writeHead(answerStatus ?? 200, { 'content-type': 'application/json' });
      response.end('{}');
    };
    if (holding) held.push(answer);
    else if (delayMs === undefined) answer();
    else setTimeout(answer, delayMs);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const payloadsOf = (type: string): SentryEvent[] =>
    envelopes.flatMap((envelope) =>
      envelope.items.filter((item) => item.header.type === type).map((item) => item.payload as SentryEvent),
    );

  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    dsnFor: (key) => `http://${key}@127.0.0.1:${port}/1`,
    envelopes,
    get requests() {
      return requests;
    },
    events: () => payloadsOf('event'),
    transactions: () => payloadsOf('transaction'),
    spanNames: () =>
      payloadsOf('transaction').flatMap((transaction) => [
        ...(transaction.transaction === undefined ? [] : [transaction.transaction]),
        ...(transaction.spans ?? []).flatMap((span) =>
          span.description === undefined ? [] : [span.description],
        ),
      ]),
    rawText: () => envelopes.map((envelope) => envelope.raw).join('\n'),
    counts: (key) => ({ ...(byKey.get(key) ?? emptyCounts()) }),
    clear: () => {
      envelopes.length = 0;
      byKey.clear();
    },
    holdResponses: (ms) => {
      delayMs = ms;
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    answerWith: (answer) => {
      status = answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        holding = false;
        held.length = 0;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A DSN whose port nothing listens on: every send is refused. */
export async function refusedSentryDsn(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://public@127.0.0.1:${port}/1`;
}

/** The exception an event reports (the last value; earlier ones are its causes). */
export function exceptionOf(event: SentryEvent): SentryExceptionValue | undefined {
  const values = event.exception?.values ?? [];
  return values[values.length - 1];
}
