/**
 * One transport connected to one server: the transport boundary where core sees every JSON-RPC message
 * in (`onmessage`) and out (`send`), and the place where requests start and end.
 */
import { capString, classifyMessage, isObject, type JsonObject } from './json-rpc.js';
import { callHooks } from './plugin-hooks.js';
import { currentRequest, runInRequestContext } from './request-context.js';
import { RequestRecord, ServerRequestRecord } from './request-record.js';
import {
  networkTransportOf,
  protocolVersionHeaderOf,
  type SdkTransport,
  type SendFunction,
  transportKindOf,
} from './sdk-shape.js';
import type { ServerState } from './server-state.js';
import type {
  JsonRpcErrorObject,
  JsonRpcId,
  NotificationDirection,
  NotificationFacts,
  Outcome,
  Refusal,
  RequestAuth,
  SessionFacts,
  TransportKind,
} from './types.js';

const { timeOrigin } = performance;

const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';

/** The verified caller from the transport's `authInfo`, without its token. */
function authOf(extra: unknown): RequestAuth | undefined {
  const authInfo = isObject(extra) ? extra.authInfo : undefined;
  if (!isObject(authInfo)) return undefined;
  const scopes = Array.isArray(authInfo.scopes)
    ? authInfo.scopes.filter((scope): scope is string => typeof scope === 'string')
    : [];
  return { clientId: capString(authInfo.clientId), scopes };
}

export class Connection implements SessionFacts {
  [slot: symbol]: unknown;
  readonly server: ServerState;
  readonly sdkTransport: SdkTransport;
  readonly transport: TransportKind;
  readonly networkTransport: 'pipe' | 'tcp' | undefined;
  readonly startMark: number;
  readonly startTime: number;
  clientName: string | undefined = undefined;
  clientVersion: string | undefined = undefined;
  protocolVersion: string | undefined = undefined;
  initialized = false;
  endTime: number | undefined = undefined;
  durationMs: number | undefined = undefined;
  closed = false;

  /** In-flight inbound requests by id (ids are scoped to this connection). */
  readonly requests = new Map<JsonRpcId, RequestRecord>();
  /** In-flight requests this server sent to the client, by id. */
  readonly serverRequests = new Map<JsonRpcId, ServerRequestRecord>();

  private readonly protocolOnMessage: (message: unknown, extra?: unknown) => void;
  private readonly protocolOnClose: (() => void) | undefined;
  private readonly protocolOnError: ((error: Error) => void) | undefined;
  private readonly originalSend: SendFunction;

  constructor(server: ServerState, transport: SdkTransport) {
    this.server = server;
    this.sdkTransport = transport;
    this.transport = transportKindOf(transport);
    this.networkTransport = networkTransportOf(this.transport);
    this.startMark = performance.now();
    this.startTime = timeOrigin + this.startMark;

    const protocolOnMessage = transport.onmessage;
    this.protocolOnMessage =
      protocolOnMessage === undefined ? () => undefined : protocolOnMessage.bind(transport);
    this.protocolOnClose = transport.onclose;
    this.protocolOnError = transport.onerror;
    this.originalSend = transport.send;

    transport.onmessage = (message, extra) => this.receive(message, extra);
    transport.send = (message, options) => this.send(message, options);
    transport.onclose = () => this.handleClose();
    transport.onerror = (error) => this.handleTransportError(error);
  }

  get id(): string | undefined {
    const sessionId = this.sdkTransport.sessionId;
    return typeof sessionId === 'string' ? sessionId : undefined;
  }

  // ---- inbound ---------------------------------------------------------------------------------------

  receive(message: unknown, extra: unknown): void {
    let kind: ReturnType<typeof classifyMessage> = 'other';
    try {
      kind = classifyMessage(message);
      if (kind === 'request') {
        this.receiveRequest(message as JsonObject, extra);
        return;
      }
      if (kind === 'notification') this.receiveNotification(message as JsonObject);
      else if (kind === 'result' || kind === 'error') this.receiveResponse(message as JsonObject, kind);
    } catch (error) {
      this.server.reportCoreFailure('receive', error);
      if (kind === 'request') return; // receiveRequest delivers in its own finally
    }
    this.protocolOnMessage(message, extra);
  }

  private receiveRequest(message: JsonObject, extra: unknown): void {
    let record: RequestRecord | undefined;
    try {
      record = new RequestRecord(this, message);
      if (!this.initialized && this.protocolVersion === undefined) this.readClientFacts(record, extra);
      if (extra !== undefined) record.auth = authOf(extra);
      this.server.describeTarget(record);
      this.track(record);
      const { hooks } = this.server;
      if (hooks.onRequestStart.length > 0) {
        callHooks(hooks.onRequestStart, 'onRequestStart', record, this.server.reporter);
      }
    } catch (error) {
      this.server.reportCoreFailure('onRequestStart', error);
    }
    if (record === undefined) {
      this.protocolOnMessage(message, extra);
      return;
    }
    const started = record;
    const deliver = (): void => this.deliver(started, message, extra);
    this.server.dispatch(started, deliver);
  }

  private deliver(record: RequestRecord, message: JsonObject, extra: unknown): void {
    if (record.ended || record.responded || record.dispatched) return;
    record.dispatched = true;
    const controllers = this.server.protocol._requestHandlerAbortControllers;
    const before = controllers?.get(record.id);
    // A reused id is told apart by the async context its response is sent in (see `answer`).
    if (this.server.contextual || record.duplicateId) {
      runInRequestContext(record, this.protocolOnMessage, message, extra);
    } else this.protocolOnMessage(message, extra);
    // The SDK accepted the message as a request if it answered at once or registered a handler run.
    // Anything else means it dropped the message: end the record so nothing stays in flight.
    if (record.responded || record.ended || controllers === undefined) return;
    const current = this.server.protocol._requestHandlerAbortControllers?.get(record.id);
    if (current === undefined || current === before) this.end(record, 'error');
  }

  private readClientFacts(record: RequestRecord, extra: unknown): void {
    const meta = record.meta;
    if (meta !== undefined) {
      const version = meta[PROTOCOL_VERSION_META_KEY];
      if (typeof version === 'string') this.protocolVersion = capString(version);
      const clientInfo = meta[CLIENT_INFO_META_KEY];
      if (isObject(clientInfo)) {
        this.clientName = capString(clientInfo.name);
        this.clientVersion = capString(clientInfo.version);
      }
    }
    if (this.protocolVersion === undefined && extra !== undefined) {
      this.protocolVersion = capString(protocolVersionHeaderOf(extra));
    }
  }

  private track(record: RequestRecord): void {
    const existing = this.requests.get(record.id);
    if (existing === undefined) {
      this.requests.set(record.id, record);
    } else {
      let last = existing;
      while (last.nextWithSameId !== undefined) last = last.nextWithSameId;
      last.nextWithSameId = record;
      record.duplicateId = true;
    }
    this.server.inFlightCount++;
  }

  private untrack(record: RequestRecord): void {
    const first = this.requests.get(record.id);
    if (first === record) {
      if (record.nextWithSameId === undefined) this.requests.delete(record.id);
      else this.requests.set(record.id, record.nextWithSameId);
    } else if (first !== undefined) {
      let previous = first;
      while (previous.nextWithSameId !== undefined && previous.nextWithSameId !== record) {
        previous = previous.nextWithSameId;
      }
      if (previous.nextWithSameId === record) previous.nextWithSameId = record.nextWithSameId;
    }
    record.nextWithSameId = undefined;
    this.server.inFlightCount--;
  }

  /** The oldest in-flight request with this id that has not been answered yet. */
  findOpenRequest(id: unknown): RequestRecord | undefined {
    let record = this.requests.get(id as JsonRpcId);
    while (record?.responded) record = record.nextWithSameId;
    return record;
  }

  private receiveNotification(message: JsonObject): void {
    const method = message.method as string;
    const params = isObject(message.params) ? message.params : undefined;
    const cancelled =
      method === 'notifications/cancelled' && params !== undefined
        ? this.findOpenRequest(params.requestId)
        : undefined;
    this.notify('inbound', method, params, cancelled ?? this.progressOwner(params));
    if (cancelled !== undefined) this.end(cancelled, 'cancelled');
  }

  private receiveResponse(message: JsonObject, kind: 'result' | 'error'): void {
    const record = this.serverRequests.get(message.id as JsonRpcId);
    if (record === undefined) return;
    const error = message.error as { code?: unknown } | undefined;
    const code = kind === 'error' && typeof error?.code === 'number' ? error.code : undefined;
    this.endServerRequest(record, kind === 'result' ? 'ok' : 'error', code);
  }

  // ---- outbound --------------------------------------------------------------------------------------

  send(message: unknown, options?: unknown): Promise<void> {
    let answered: RequestRecord | undefined;
    let outgoing = message;
    try {
      if (isObject(message)) {
        if (typeof message.method === 'string') {
          if ('id' in message) outgoing = this.startServerRequest(message, options);
          else this.sendNotification(message, options);
        } else if ('id' in message) {
          answered = this.answer(message);
        }
      }
    } catch (error) {
      this.server.reportCoreFailure('send', error);
    }
    let sending: Promise<void>;
    try {
      sending = this.originalSend.call(this.sdkTransport, outgoing, options);
    } catch (error) {
      if (answered !== undefined) this.end(answered, 'cancelled');
      throw error;
    }
    if (answered !== undefined) {
      const record = answered;
      Promise.resolve(sending).then(
        () => this.end(record),
        () => this.end(record, 'cancelled'),
      );
    }
    return sending;
  }

  /**
   * The open request a response belongs to. With a reused id, the response is sent in the async context
   * of the request that produced it: a duplicate ran in its own context, the first one did not.
   */
  private responseOwner(id: unknown): RequestRecord | undefined {
    const oldest = this.findOpenRequest(id);
    if (oldest?.nextWithSameId === undefined) return oldest;
    const current = currentRequest();
    let firstPlain: RequestRecord | undefined;
    for (
      let record: RequestRecord | undefined = oldest;
      record !== undefined;
      record = record.nextWithSameId
    ) {
      if (record.responded) continue;
      if (record === current) return record;
      if (!record.duplicateId) firstPlain ??= record;
    }
    return firstPlain ?? oldest;
  }

  /** Records a response leaving for the client; the record ends once the transport delivered it. */
  private answer(message: JsonObject): RequestRecord | undefined {
    const record = this.responseOwner(message.id);
    if (record === undefined || record.ended) return undefined;
    record.respondWith(message);
    if (record.outcome === 'ok') {
      if (record.method === 'initialize') this.startSession(record);
      else if (record.method === 'tools/list' || record.method === 'prompts/list') {
        this.server.learnListedNames(record.method, record.result);
      }
    }
    return record;
  }

  private startSession(record: RequestRecord): void {
    const clientInfo = record.params?.clientInfo;
    if (isObject(clientInfo)) {
      this.clientName = capString(clientInfo.name);
      this.clientVersion = capString(clientInfo.version);
    }
    const result = record.result;
    const negotiated = isObject(result) ? result.protocolVersion : undefined;
    this.protocolVersion = capString(negotiated) ?? capString(record.params?.protocolVersion);
    if (this.initialized) return;
    this.initialized = true;
    const hooks = this.server.hooks.onSessionStart;
    if (hooks.length > 0) callHooks(hooks, 'onSessionStart', this, this.server.reporter);
  }

  private sendNotification(message: JsonObject, options: unknown): void {
    const method = message.method as string;
    const params = isObject(message.params) ? message.params : undefined;
    if (method === 'notifications/cancelled' && params !== undefined) {
      const record = this.serverRequests.get(params.requestId as JsonRpcId);
      if (record !== undefined) this.endServerRequest(record, 'cancelled');
    }
    if (this.server.hooks.onNotification.length === 0) return;
    const relatedId = isObject(options) ? options.relatedRequestId : undefined;
    const related =
      relatedId === undefined ? this.progressOwner(params) : this.requests.get(relatedId as JsonRpcId);
    this.notify('outbound', method, params, related);
  }

  private progressOwner(params: JsonObject | undefined): RequestRecord | undefined {
    const token = params?.progressToken;
    if (token === undefined || this.requests.size === 0) return undefined;
    for (const record of this.requests.values()) {
      if (record.meta?.progressToken === token) return record;
    }
    return undefined;
  }

  private notify(
    direction: NotificationDirection,
    method: string,
    params: JsonObject | undefined,
    request: RequestRecord | undefined,
  ): void {
    const hooks = this.server.hooks.onNotification;
    if (hooks.length === 0) return;
    const facts: NotificationFacts = {
      method,
      direction,
      params,
      session: this,
      request,
      time: timeOrigin + performance.now(),
    };
    callHooks(hooks, 'onNotification', facts, this.server.reporter);
  }

  private startServerRequest(message: JsonObject, options: unknown): unknown {
    const relatedId = isObject(options) ? options.relatedRequestId : undefined;
    const parent = relatedId === undefined ? undefined : this.requests.get(relatedId as JsonRpcId);
    const record = new ServerRequestRecord(this, message, parent);
    this.serverRequests.set(record.id, record);
    const hooks = this.server.hooks.onServerRequestStart;
    if (hooks.length > 0) callHooks(hooks, 'onServerRequestStart', record, this.server.reporter);
    if (record.addedMeta === undefined) return message;
    const params = isObject(message.params) ? message.params : {};
    const meta = isObject(params._meta) ? params._meta : {};
    return { ...message, params: { ...params, _meta: { ...record.addedMeta, ...meta } } };
  }

  private endServerRequest(
    record: ServerRequestRecord,
    outcome: 'ok' | 'error' | 'cancelled' | 'closed',
    errorCode?: number,
  ): void {
    if (this.serverRequests.get(record.id) !== record) return;
    this.serverRequests.delete(record.id);
    record.finish(outcome, errorCode);
    const hooks = this.server.hooks.onServerRequestEnd;
    if (hooks.length > 0) callHooks(hooks, 'onServerRequestEnd', record, this.server.reporter);
  }

  // ---- ends ------------------------------------------------------------------------------------------

  /** Ends a request exactly once: untracks it and tells every plugin. */
  end(record: RequestRecord, outcome?: Outcome): void {
    if (!record.finish(outcome)) return;
    this.untrack(record);
    const hooks = this.server.hooks.onRequestEnd;
    if (hooks.length > 0) callHooks(hooks, 'onRequestEnd', record, this.server.reporter);
  }

  refuse(
    record: RequestRecord,
    error: JsonRpcErrorObject,
    refusal: Omit<Refusal, 'plugin'> & { plugin?: string },
  ): void {
    if (record.ended || record.responded || record.dispatched || this.closed) return;
    record.refusal = {
      plugin: refusal.plugin ?? record.aroundPlugin ?? 'unknown',
      reason: refusal.reason,
      ...(refusal.scope === undefined ? {} : { scope: refusal.scope }),
    };
    const response = {
      jsonrpc: '2.0',
      id: record.id,
      error: error.data === undefined ? { code: error.code, message: error.message } : { ...error },
    };
    this.send(response, { relatedRequestId: record.id }).catch(() => undefined);
  }

  private handleClose(): void {
    try {
      this.protocolOnClose?.call(this.sdkTransport);
    } finally {
      this.close();
    }
  }

  /** The transport closed: nothing of this connection stays in flight. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const endMark = performance.now();
    this.durationMs = endMark - this.startMark;
    this.endTime = timeOrigin + endMark;
    for (const first of [...this.requests.values()]) {
      let record: RequestRecord | undefined = first;
      while (record !== undefined) {
        const next: RequestRecord | undefined = record.nextWithSameId;
        this.end(record, record.responded ? undefined : 'closed');
        record = next;
      }
    }
    for (const record of [...this.serverRequests.values()]) this.endServerRequest(record, 'closed');
    this.server.connectionClosed(this);
  }

  private handleTransportError(error: Error): void {
    try {
      this.protocolOnError?.call(this.sdkTransport, error);
    } finally {
      this.server.transportError(this, error);
    }
  }
}
