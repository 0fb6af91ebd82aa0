/**
 * A bounded ring of one session's recently ended MCP requests. Entries are reused, so recording a
 * request allocates nothing once the ring is full; breadcrumbs are built only when an event is sent.
 */
import type { JsonRpcId, RequestFacts, SessionFacts } from '@mcpscope/core';
import type { Breadcrumb, SeverityLevel } from '@sentry/node';

interface RingEntry {
  id: JsonRpcId;
  method: string;
  /** Tool or prompt name; resource URIs are left out of breadcrumbs. */
  target: string | undefined;
  outcome: string | undefined;
  errorType: string | undefined;
  startTime: number;
  /** Wall-clock end from `Date.now()`, the clock Sentry stamps events and breadcrumbs with. */
  endTime: number;
  durationMs: number;
}

const RING = Symbol('mcpscope.sentry.recentRequests');

class BreadcrumbRing {
  private readonly entries: RingEntry[] = [];
  private next = 0;
  private readonly capacity: number;

  /** One slot more than shown: the request an event is about is in the ring too, and left out. */
  constructor(private readonly shown: number) {
    this.capacity = shown + 1;
  }

  record(request: RequestFacts): void {
    let entry = this.entries[this.next];
    if (entry === undefined) {
      entry = {} as RingEntry;
      this.entries[this.next] = entry;
    }
    entry.id = request.id;
    entry.method = request.method;
    entry.target =
      request.method === 'tools/call' || request.method === 'prompts/get' ? request.target : undefined;
    entry.outcome = request.outcome;
    entry.errorType = request.errorType;
    entry.startTime = request.startTime;
    entry.endTime = Date.now();
    entry.durationMs = request.durationMs ?? 0;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Requests that ended before `beforeMs` (epoch ms), oldest first, leaving out `exclude`. */
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

function levelOf(outcome: string | undefined): SeverityLevel {
  if (outcome === 'ok') return 'info';
  if (outcome === 'error' || outcome === 'tool_error') return 'error';
  return 'warning';
}

function toBreadcrumb(entry: RingEntry): Breadcrumb {
  const data: Record<string, unknown> = {
    'jsonrpc.request.id': entry.id,
    'mcp.method.name': entry.method,
    outcome: entry.outcome,
    duration_ms: Math.round(entry.durationMs * 1000) / 1000,
  };
  if (entry.errorType !== undefined) data['error.type'] = entry.errorType;
  return {
    type: 'default',
    category: 'mcp',
    level: levelOf(entry.outcome),
    message: entry.target === undefined ? entry.method : `${entry.method} ${entry.target}`,
    timestamp: entry.endTime / 1000,
    data,
  };
}

export function recordRequest(request: RequestFacts, maxBreadcrumbs: number): void {
  const session = request.session;
  let ring = session[RING] as BreadcrumbRing | undefined;
  if (ring === undefined) {
    ring = new BreadcrumbRing(maxBreadcrumbs);
    session[RING] = ring;
  }
  ring.record(request);
}

export function sessionBreadcrumbs(
  session: SessionFacts,
  beforeMs: number,
  exclude: RequestFacts | undefined,
): Breadcrumb[] {
  const ring = session[RING] as BreadcrumbRing | undefined;
  return ring === undefined ? [] : ring.breadcrumbs(beforeMs, exclude);
}
