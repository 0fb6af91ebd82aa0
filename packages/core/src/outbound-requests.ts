/**
 * The requests a connection's endpoint sends (a client's tools/call; a server's sampling, elicitation
 * or roots request): each starts as it is handed to the transport, may gain `_meta` entries from
 * plugins (trace context), and ends exactly once, when its response arrives, when it is cancelled,
 * when sending it fails, or when the connection closes.
 */

import type { ConnectionInternals, EndpointInternals } from './internal-types.js';
import { isObject, type JsonObject } from './json-rpc.js';
import { callHooks } from './plugin-hooks.js';
import { RecordsById } from './records-by-id.js';
import { RequestRecord } from './request-record.js';
import type { JsonRpcId, Outcome, RequestFacts } from './types.js';

export class OutboundRequests {
  private readonly byId = new RecordsById();

  constructor(
    private readonly connection: ConnectionInternals,
    private readonly endpoint: EndpointInternals,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  /** Starts a request; returns it and the message to send (with the `_meta` plugins added). */
  start(
    message: JsonObject,
    parent: RequestFacts | undefined,
  ): { record: RequestRecord; outgoing: JsonObject } {
    const record = new RequestRecord(this.connection, message, 'outbound', undefined, parent);
    this.byId.set(record.id, record);
    const hooks = this.endpoint.hooks.onOutboundRequestStart;
    if (hooks.length > 0) callHooks(hooks, 'onOutboundRequestStart', record, this.endpoint.receiver);
    const added = record.addedMeta;
    if (added === undefined) return { record, outgoing: message };
    const params = isObject(message.params) ? message.params : {};
    const meta = isObject(params._meta) ? params._meta : {};
    return { record, outgoing: { ...message, params: { ...params, _meta: { ...added, ...meta } } } };
  }

  find(id: unknown): RequestRecord | undefined {
    return this.byId.get(id as JsonRpcId);
  }

  /** The in-flight request whose `_meta.progressToken` is `token`. */
  ownerOfProgressToken(token: unknown): RequestRecord | undefined {
    if (token === undefined || this.byId.size === 0) return undefined;
    for (const record of this.byId.values()) {
      if (record.meta?.progressToken === token) return record;
    }
    return undefined;
  }

  /** A response arrived for one of this endpoint's requests. */
  received(message: JsonObject): RequestRecord | undefined {
    const record = this.byId.get(message.id as JsonRpcId);
    if (record === undefined || record.responded) return undefined;
    record.respondWith(message);
    this.end(record);
    return record;
  }

  sendFailed(record: RequestRecord, error: unknown): void {
    record.failToSend(error);
    this.end(record);
  }

  end(record: RequestRecord, outcome?: Outcome): void {
    if (this.byId.get(record.id) !== record) return;
    this.byId.delete(record.id);
    if (!record.finish(outcome)) return;
    const hooks = this.endpoint.hooks.onOutboundRequestEnd;
    if (hooks.length > 0) callHooks(hooks, 'onOutboundRequestEnd', record, this.endpoint.receiver);
  }

  endAll(): void {
    for (const record of this.byId.values()) this.end(record, 'closed');
  }
}
