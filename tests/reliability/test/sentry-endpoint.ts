/**
 * A local Sentry endpoint (DSN `http://public@127.0.0.1:PORT/1`) that keeps every envelope's raw bytes
 * (after gunzip) and can hold its answers back until released: the slow endpoint of the fault tests.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll } from 'vitest';

export interface SentryEvent {
  event_id: string;
  level?: string;
  message?: unknown;
  exception?: { values?: { type?: string; value?: string }[] };
  tags?: Record<string, string>;
  contexts?: Record<string, Record<string, unknown> | undefined>;
}

export interface SentryEndpoint {
  readonly dsn: string;
  /** Raw envelope bodies received, in arrival order. */
  readonly bodies: string[];
  /** Requests that arrived (answered or held). */
  readonly requests: number;
  /** Error and message events parsed from the bodies. */
  events(): SentryEvent[];
  rawText(): string;
  clear(): void;
  /** From now on, keep answers until `release()` (the body is recorded when it arrives). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

function eventsOf(body: string): SentryEvent[] {
  const lines = body.split('\n');
  const events: SentryEvent[] = [];
  for (let index = 1; index + 1 < lines.length; index += 2) {
    const header = JSON.parse(lines[index]!) as { type?: string };
    if (header.type === 'event') events.push(JSON.parse(lines[index + 1]!) as SentryEvent);
  }
  return events;
}

export async function startSentryEndpoint(): Promise<SentryEndpoint> {
  const bodies: string[] = [];
  const held: ServerResponse[] = [];
  let holding = false;
  let requests = 0;
  const answer = (response: ServerResponse): void => {
    if (response.destroyed) return;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{}');
  };
  const server = createServer((request, response) => {
    requests++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(
        request.headers['content-encoding'] === 'gzip'
          ? gunzipSync(body).toString('utf8')
          : body.toString('utf8'),
      );
      if (holding) held.push(response);
      else answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    bodies,
    get requests() {
      return requests;
    },
    events: () => bodies.flatMap(eventsOf),
    rawText: () => bodies.join('\n'),
    clear: () => {
      bodies.length = 0;
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const response of held.splice(0)) answer(response);
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

/** A DSN whose port nothing listens on: connections are refused. */
export async function refusedDsn(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://public@127.0.0.1:${port}/1`;
}

/**
 * `Sentry.init` against `dsn` as the suites use it (no client reports). `dedupe: false` leaves out the
 * Dedupe integration, so every failure is its own event and a double or a per-event report cannot hide.
 */
export function initSentry(dsn: string, { dedupe = true }: { dedupe?: boolean } = {}): void {
  Sentry.init({
    dsn,
    sendClientReports: false,
    ...(dedupe ? {} : { integrations: (defaults) => defaults.filter(({ name }) => name !== 'Dedupe') }),
  });
}

/**
 * For the calling test file: a local endpoint and `Sentry.init` against it before its tests, then
 * `Sentry.close` and the endpoint's close after them (after the file's own `afterAll` hooks).
 */
export function sentryForSuite(
  closeTimeoutMs = 2_000,
  options: { dedupe?: boolean } = {},
): { endpoint(): SentryEndpoint } {
  let endpoint: SentryEndpoint | undefined;
  beforeAll(async () => {
    endpoint = await startSentryEndpoint();
    initSentry(endpoint.dsn, options);
  });
  afterAll(async () => {
    await Sentry.close(closeTimeoutMs);
    await endpoint?.close();
  });
  return {
    endpoint: () => {
      if (endpoint === undefined) throw new Error('The Sentry endpoint starts in beforeAll');
      return endpoint;
    },
  };
}
