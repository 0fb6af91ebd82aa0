/**
 * A bounded ring of one session's recently ended MCP requests (and transport errors the client caused).
 * Entries are reused, so recording allocates nothing once the ring is full; breadcrumbs are built only
 * when an event is sent.
 */
import { ATTRIBUTES, type JsonRpcId, type RequestFacts, type SessionFacts } from '@mcpscope/core';
import type { Breadcrumb, SeverityLevel } from '@sentry/node';

interface RingEntry {
  /** Undefined for a transport error. */
  id: JsonRpcId | undefined;
  method: string;
  /** Tool or prompt name; resource URIs are left out of breadcrumbs. */
  target: string | undefined;
  outcome: string | undefined;
  errorType: string | undefined;
  errorSide: string | undefined;
  startTime: number;
  /** Wall-clock end from `Date.now()`, the clock Sentry stamps events and breadcrumbs with. */
  endTime: number;
  durationMs: number | undefined;
}

const RING = Symbol('mcpscope.sentry.recentRequests');

/** The method name of a transport error entry. */
const TRANSPORT = 'transport';

class BreadcrumbRing {
  private readonly entries: RingEntry[] = [];
  private next = 0;
  private readonly capacity: number;

  /** One slot more than shown: the request an event is about is in the ring too, and left out. */
  constructor(private readonly shown: number) {
    this.capacity = shown + 1;
  }

  private slot(): RingEntry {
    let entry = this.entries[this.next];
    if (entry === undefined) {
      entry = {} as RingEntry;
      this.entries[this.next] = entry;
    }
    this.next = (this.next + 1) % this.capacity;
    return entry;
  }

  record(request: RequestFacts): void {
    const entry = this.slot();
    entry.id = request.id;
    entry.method = request.method;
    entry.target =
      request.method === 'tools/call' || request.method === 'prompts/get' ? request.target : undefined;
    entry.outcome = request.outcome;
    entry.errorType = request.errorType;
    entry.errorSide = request.errorSide;
    entry.startTime = request.startTime;
    entry.endTime = Date.now();
    entry.durationMs = request.durationMs ?? 0;
  }

  /** A transport error the client caused: its error class only (messages may echo what the client sent). */
  recordTransportError(error: Error): void {
    const entry = this.slot();
    const now = Date.now();
    entry.id = undefined;
    entry.method = TRANSPORT;
    entry.target = undefined;
    entry.outcome = undefined;
    entry.errorType = error.name;
    entry.errorSide = 'client';
    entry.startTime = now;
    entry.endTime = now;
    entry.durationMs = undefined;
  }

  /** Entries that ended before `beforeMs` (epoch ms), oldest first, leaving out `exclude`. */
  breadcrumbs(beforeMs: number, exclude: RequestFacts | undefined): Breadcrumb[] {
    const crumbs: Breadcrumb[] = [];
    const count = this.entries.length;
    for (let offset = 0; offset < count; offset++) {
      const entry = this.entries[(this.next + offset) % count]!;
      if (entry.endTime > beforeMs) continue;
      if (exclude !== undefined && entry.id === exclude.id && entry.startTime === exclude.startTime) continue;
      crumbs.push(toBreadcrumb(entry));
    }
    crumbs.sort((left, right) => (left.timestamp ?? 0) - (right.timestamp ?? 0));
    return crumbs.length > this.shown ? crumbs.slice(crumbs.length - this.shown) : crumbs;
  }
}

function levelOf(entry: RingEntry): SeverityLevel {
  if (entry.outcome === 'ok') return 'info';
  if (entry.errorSide === 'server') return 'error';
  return 'warning';
}

function toBreadcrumb(entry: RingEntry): Breadcrumb {
  const data: Record<string, unknown> = {};
  if (entry.id !== undefined) data[ATTRIBUTES.jsonrpcRequestId] = entry.id;
  if (entry.method !== TRANSPORT) data[ATTRIBUTES.methodName] = entry.method;
  if (entry.outcome !== undefined) data[ATTRIBUTES.outcome] = entry.outcome;
  if (entry.errorType !== undefined) data[ATTRIBUTES.errorType] = entry.errorType;
  if (entry.errorSide !== undefined) data[ATTRIBUTES.errorSide] = entry.errorSide;
  if (entry.durationMs !== undefined) data.duration_ms = Math.round(entry.durationMs * 1000) / 1000;
  return {
    type: 'default',
    category: 'mcp',
    level: levelOf(entry),
    message:
      entry.method === TRANSPORT
        ? 'transport error (client)'
        : entry.target === undefined
          ? entry.method
          : `${entry.method} ${entry.target}`,
    timestamp: entry.endTime / 1000,
    data,
  };
}

function ringOf(session: SessionFacts, maxBreadcrumbs: number): BreadcrumbRing {
  let ring = session[RING] as BreadcrumbRing | undefined;
  if (ring === undefined) {
    ring = new BreadcrumbRing(maxBreadcrumbs);
    session[RING] = ring;
  }
  return ring;
}

export function recordRequest(request: RequestFacts, maxBreadcrumbs: number): void {
  ringOf(request.session, maxBreadcrumbs).record(request);
}

export function recordClientTransportError(
  session: SessionFacts,
  error: Error,
  maxBreadcrumbs: number,
): void {
  ringOf(session, maxBreadcrumbs).recordTransportError(error);
}

export function sessionBreadcrumbs(
  session: SessionFacts,
  beforeMs: number,
  exclude: RequestFacts | undefined,
): Breadcrumb[] {
  const ring = session[RING] as BreadcrumbRing | undefined;
  return ring === undefined ? [] : ring.breadcrumbs(beforeMs, exclude);
}
