/**
 * The requests a connection's endpoint handles: each starts when the transport delivers it, is dispatched
 * once inside its async context and every plugin's `aroundRequest`, and ends exactly once (answered,
 * cancelled, or closed with the connection). Ids are scoped to the connection; a reused id gets its own
 * record.
 */
import type { ConnectionInternals, EndpointInternals } from './internal-types.js';
import type { JsonObject } from './json-rpc.js';
import { callHooks, runAround } from './plugin-hooks.js';
import { RecordsById } from './records-by-id.js';
import { currentRequest, runInRequestContext } from './request-context.js';
import { RequestRecord } from './request-record.js';
import type { MessageHandler } from './sdk-shape.js';
import type { JsonRpcId, Outcome, RequestAuth } from './types.js';

export class InboundRequests {
  /** In flight by id; requests reusing an id while it is in flight hang off `nextWithSameId`. */
  private readonly byId = new RecordsById();

  constructor(
    private readonly connection: ConnectionInternals,
    private readonly endpoint: EndpointInternals,
    private readonly deliverToSdk: MessageHandler,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  /** Starts a request, tells the plugins, and dispatches it (unless a plugin refuses it). */
  receive(message: JsonObject, extra: unknown, auth: RequestAuth | undefined): RequestRecord | undefined {
    const { endpoint } = this;
    let record: RequestRecord;
    try {
      record = new RequestRecord(this.connection, message, 'inbound', auth, undefined);
      this.track(record);
    } catch (error) {
      endpoint.reportCoreFailure('onRequestStart', error);
      this.deliverToSdk(message, extra);
      return undefined;
    }
    try {
      const facts = endpoint.toolCallFacts(record.method, record.target);
      if (facts !== undefined) record.describeTarget(facts);
    } catch (error) {
      endpoint.reportCoreFailure('onRequestStart', error);
    }
    const hooks = endpoint.hooks.onRequestStart;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: skipping an empty hook list only saves a call
    if (hooks.length > 0) callHooks(hooks, 'onRequestStart', record, endpoint.receiver);
    this.dispatch(record, message, extra);
    return record;
  }

  private dispatch(record: RequestRecord, message: JsonObject, extra: unknown): void {
    const { endpoint } = this;
    const arounds = endpoint.hooks.aroundRequest;
    const { carriers } = endpoint;
    const needsContext = endpoint.contextual || record.duplicateId;
    // Stryker disable all: delivering at once, when nothing wraps the request, only saves two closures
    if (
      arounds.length === 0 &&
      carriers.length === 0 &&
      !needsContext &&
      record.contextValues === undefined
    ) {
      this.deliver(record, message, extra);
      return;
    }
    // Stryker restore all
    const deliver = (): void => this.deliver(record, message, extra);
    // Stryker disable next-line ConditionalExpression: runAround over no plugins delivers too, one call later
    const run = arounds.length === 0 ? deliver : () => runAround(arounds, record, deliver, endpoint.receiver);
    // A reused id is told apart by the async context its response is sent in (see `answered`).
    runInRequestContext(record, carriers, record.contextValues, needsContext, run);
  }

  private deliver(record: RequestRecord, message: JsonObject, extra: unknown): void {
    if (!record.markDispatched()) return;
    const controllers = this.endpoint.protocol._requestHandlerAbortControllers;
    const before = controllers?.get(record.id);
    this.deliverToSdk(message, extra);
    // The SDK accepted the message as a request if it answered at once or registered a handler run.
    // Anything else means it dropped the message: end the record so nothing stays in flight.
    if (record.responded || record.ended || controllers === undefined) return;
    const current = controllers.get(record.id);
    if (current === undefined || current === before) this.end(record, 'error');
  }

  private track(record: RequestRecord): void {
    const existing = this.byId.get(record.id);
    if (existing === undefined) {
      this.byId.set(record.id, record);
    } else {
      let last = existing;
      while (last.nextWithSameId !== undefined) last = last.nextWithSameId;
      last.nextWithSameId = record;
      record.duplicateId = true;
    }
    this.endpoint.adjustInFlight(1);
  }

  private untrack(record: RequestRecord): void {
    // Every record is tracked as soon as it exists, so it is in its id's chain.
    const first = this.byId.get(record.id)!;
    if (first === record) {
      if (record.nextWithSameId === undefined) this.byId.delete(record.id);
      else this.byId.set(record.id, record.nextWithSameId);
    } else {
      let previous = first;
      while (previous.nextWithSameId !== record) previous = previous.nextWithSameId!;
      previous.nextWithSameId = record.nextWithSameId;
    }
    record.nextWithSameId = undefined;
    this.endpoint.adjustInFlight(-1);
  }

  /** The oldest in-flight request with this id that has not been answered yet. */
  findOpen(id: unknown): RequestRecord | undefined {
    let record = this.byId.get(id as JsonRpcId);
    while (record?.responded) record = record.nextWithSameId;
    return record;
  }

  /** The in-flight request with this id (answered or not), for notifications that name it. */
  find(id: unknown): RequestRecord | undefined {
    return this.byId.get(id as JsonRpcId);
  }

  /** The in-flight request whose `_meta.progressToken` is `token`. */
  ownerOfProgressToken(token: unknown): RequestRecord | undefined {
    if (token === undefined) return undefined;
    for (const record of this.byId.values()) {
      if (record.meta?.progressToken === token) return record;
    }
    return undefined;
  }

  /**
   * The open request a response belongs to. With a reused id, the response is sent in the async context
   * of the request that produced it: a duplicate ran in its own context, the first one may not have.
   */
  private responseOwner(id: unknown): RequestRecord | undefined {
    const oldest = this.findOpen(id);
    if (oldest?.nextWithSameId === undefined) return oldest;
    const current = currentRequest();
    for (
      let record: RequestRecord | undefined = oldest.nextWithSameId;
      record;
      record = record.nextWithSameId
    ) {
      if (record === current && !record.responded) return record;
    }
    return oldest;
  }

  /** Records a response leaving for the client; the record ends once the transport delivered it. */
  answered(message: JsonObject): RequestRecord | undefined {
    const record = this.responseOwner(message.id);
    if (record === undefined) return undefined;
    record.respondWith(message);
    return record;
  }

  /** Ends a request exactly once: untracks it and tells every plugin. */
  end(record: RequestRecord, outcome?: Outcome): void {
    if (!record.finish(outcome)) return;
    this.untrack(record);
    const hooks = this.endpoint.hooks.onRequestEnd;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: skipping an empty hook list only saves a call
    if (hooks.length > 0) callHooks(hooks, 'onRequestEnd', record, this.endpoint.receiver);
  }

  /** The connection closed: every request still in flight ends (`closed` unless it was answered). */
  endAll(): void {
    for (const first of this.byId.values()) {
      let record: RequestRecord | undefined = first;
      while (record !== undefined) {
        const next: RequestRecord | undefined = record.nextWithSameId;
        this.end(record, record.responded ? undefined : 'closed');
        record = next;
      }
    }
  }
}
