/**
 * One transport connected to one observed endpoint: the transport boundary where core sees every
 * JSON-RPC message in (`onmessage`) and out (`send`). Requests are kept by `InboundRequests` and
 * `OutboundRequests`; this file routes messages to them and owns the connection's own lifecycle.
 */
import { InboundRequests } from './inbound-requests.js';
import type { ConnectionInternals, EndpointInternals } from './internal-types.js';
import { capString, classifyMessage, isObject, type JsonObject, type MessageKind } from './json-rpc.js';
import { OutboundRequests } from './outbound-requests.js';
import { callHooks } from './plugin-hooks.js';
import type { RequestRecord } from './request-record.js';
import {
  networkTransportOf,
  protocolVersionHeaderOf,
  type SdkTransport,
  type SendFunction,
  serverEndpointOf,
  transportKindOf,
} from './sdk-shape.js';
import type {
  Direction,
  EndpointFacts,
  JsonRpcErrorObject,
  NotificationFacts,
  RequestAuth,
  RequestFacts,
  TransportErrorFacts,
  TransportKind,
} from './types.js';
import { transportErrorSide } from './vocabulary.js';

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

function infoOf(value: unknown): { name: string | undefined; version: string | undefined } {
  return isObject(value)
    ? { name: capString(value.name), version: capString(value.version) }
    : { name: undefined, version: undefined };
}

export class Connection implements ConnectionInternals {
  [slot: symbol]: unknown;
  readonly endpointInternals: EndpointInternals;
  readonly sdkTransport: SdkTransport;
  readonly transport: TransportKind;
  readonly networkTransport: 'pipe' | 'tcp' | undefined;
  readonly networkProtocolName: 'http' | undefined;
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
  startMark: number;
  startTime: number;
  clientName: string | undefined = undefined;
  clientVersion: string | undefined = undefined;
  serverName: string | undefined = undefined;
  serverVersion: string | undefined = undefined;
  protocolVersion: string | undefined = undefined;
  initialized = false;
  endTime: number | undefined = undefined;
  durationMs: number | undefined = undefined;
  closeReason: 'closed' | 'abandoned' | undefined = undefined;
  closed = false;

  readonly inbound: InboundRequests;
  readonly outbound: OutboundRequests;
  /** HTTP exchanges (`handleRequest` calls) of a Streamable HTTP server transport still running. */
  private exchanges = 0;

  private readonly protocolOnMessage: (message: unknown, extra?: unknown) => void;
  private readonly protocolOnClose: (() => void) | undefined;
  private readonly protocolOnError: ((error: Error) => void) | undefined;
  private readonly originalSend: SendFunction;

  constructor(endpoint: EndpointInternals, transport: SdkTransport) {
    this.endpointInternals = endpoint;
    this.sdkTransport = transport;
    this.transport = transportKindOf(transport);
    this.networkTransport = networkTransportOf(this.transport);
    this.networkProtocolName = this.networkTransport === 'tcp' ? 'http' : undefined;
    const server = endpoint.role === 'client' ? serverEndpointOf(transport) : undefined;
    this.serverAddress = server?.address;
    this.serverPort = server?.port;
    this.startMark = performance.now();
    this.startTime = timeOrigin + this.startMark;
    if (endpoint.role === 'client') {
      this.clientName = capString(endpoint.name);
      this.clientVersion = capString(endpoint.version);
    } else {
      this.serverName = capString(endpoint.name);
      this.serverVersion = capString(endpoint.version);
    }

    const protocolOnMessage = transport.onmessage;
    this.protocolOnMessage =
      protocolOnMessage === undefined ? () => undefined : protocolOnMessage.bind(transport);
    this.protocolOnClose = transport.onclose;
    this.protocolOnError = transport.onerror;
    this.originalSend = transport.send;
    this.inbound = new InboundRequests(this, endpoint, this.protocolOnMessage);
    this.outbound = new OutboundRequests(this, endpoint);

    transport.onmessage = (message, extra) => this.receive(message, extra);
    transport.send = (message, options) => this.send(message, options);
    transport.onclose = () => this.handleClose();
    transport.onerror = (error) => this.handleTransportError(error);
    if (endpoint.role === 'server' && this.transport === 'streamable-http') this.watchExchanges(transport);
  }

  get id(): string | undefined {
    const sessionId = this.sdkTransport.sessionId;
    return typeof sessionId === 'string' ? sessionId : undefined;
  }

  get endpoint(): EndpointFacts {
    return this.endpointInternals;
  }

  // ---- inbound ---------------------------------------------------------------------------------------

  receive(message: unknown, extra: unknown): void {
    let kind: MessageKind = 'other';
    try {
      kind = classifyMessage(message);
      if (kind === 'request') {
        const request = message as JsonObject;
        if (!this.initialized && this.protocolVersion === undefined)
          this.readClientFactsSafely(request, extra);
        this.inbound.receive(request, extra, extra === undefined ? undefined : authOf(extra));
        return;
      }
      if (kind === 'notification') this.receiveNotification(message as JsonObject);
      else if (kind === 'result' || kind === 'error') this.receiveResponse(message as JsonObject);
    } catch (error) {
      this.endpointInternals.reportCoreFailure('receive', error);
      if (kind === 'request') return; // the request was delivered by InboundRequests
    }
    this.protocolOnMessage(message, extra);
  }

  private readClientFactsSafely(request: JsonObject, extra: unknown): void {
    try {
      this.readClientFacts(request, extra);
    } catch (error) {
      this.endpointInternals.reportCoreFailure('receive', error);
    }
  }

  /** Client facts of connections without `initialize` (2026-07-28 requests, stateless HTTP). */
  private readClientFacts(request: JsonObject, extra: unknown): void {
    const params = isObject(request.params) ? request.params : undefined;
    const meta = params !== undefined && isObject(params._meta) ? params._meta : undefined;
    if (meta !== undefined) {
      const version = meta[PROTOCOL_VERSION_META_KEY];
      if (typeof version === 'string') this.protocolVersion = capString(version);
      const clientInfo = meta[CLIENT_INFO_META_KEY];
      if (isObject(clientInfo)) ({ name: this.clientName, version: this.clientVersion } = infoOf(clientInfo));
    }
    if (this.protocolVersion === undefined && extra !== undefined) {
      this.protocolVersion = capString(protocolVersionHeaderOf(extra));
    }
  }

  private receiveNotification(message: JsonObject): void {
    const method = message.method as string;
    const params = isObject(message.params) ? message.params : undefined;
    const cancelled =
      method === 'notifications/cancelled' && params !== undefined
        ? this.inbound.findOpen(params.requestId)
        : undefined;
    // Progress the peer reports is about a request this endpoint sent.
    const related = cancelled ?? this.outbound.ownerOfProgressToken(params?.progressToken);
    this.notify('inbound', method, params, related);
    if (cancelled !== undefined) this.inbound.end(cancelled, 'cancelled');
  }

  private receiveResponse(message: JsonObject): void {
    const record = this.outbound.received(message);
    if (record?.method === 'initialize' && record.outcome === 'ok') this.startClientSession(record);
    this.checkAbandoned();
  }

  // ---- outbound --------------------------------------------------------------------------------------

  send(message: unknown, options?: unknown): Promise<void> {
    let answered: RequestRecord | undefined;
    let sent: RequestRecord | undefined;
    let outgoing = message;
    try {
      if (isObject(message)) {
        if (typeof message.method === 'string') {
          if ('id' in message) ({ record: sent, outgoing } = this.startOutbound(message, options));
          else this.sendNotification(message, options);
        } else if ('id' in message) {
          answered = this.answer(message);
        }
      }
    } catch (error) {
      this.endpointInternals.reportCoreFailure('send', error);
    }
    let sending: Promise<void>;
    try {
      sending = this.originalSend.call(this.sdkTransport, outgoing, options);
    } catch (error) {
      if (answered !== undefined) this.endInbound(answered, 'cancelled');
      if (sent !== undefined) this.outbound.sendFailed(sent, error);
      throw error;
    }
    if (answered !== undefined) {
      const record = answered;
      Promise.resolve(sending).then(
        () => this.endInbound(record),
        () => this.endInbound(record, 'cancelled'),
      );
    } else if (sent !== undefined) {
      const record = sent;
      Promise.resolve(sending).then(undefined, (error: unknown) => this.outbound.sendFailed(record, error));
    }
    return sending;
  }

  private relatedRequest(options: unknown): RequestRecord | undefined {
    const relatedId = isObject(options) ? options.relatedRequestId : undefined;
    return relatedId === undefined ? undefined : this.inbound.find(relatedId);
  }

  private startOutbound(message: JsonObject, options: unknown): { record: RequestRecord; outgoing: unknown } {
    return this.outbound.start(message, this.relatedRequest(options));
  }

  /** Records a response leaving for the peer; the request ends once the transport delivered it. */
  private answer(message: JsonObject): RequestRecord | undefined {
    const record = this.inbound.answered(message);
    if (record === undefined || record.outcome !== 'ok') return record;
    if (record.method === 'initialize') this.startServerSession(record);
    else if (record.method === 'tools/list' || record.method === 'prompts/list') {
      this.endpointInternals.learnListedNames(record.method, record.result);
    }
    return record;
  }

  private endInbound(record: RequestRecord, outcome?: 'cancelled'): void {
    this.inbound.end(record, outcome);
    this.checkAbandoned();
  }

  private sendNotification(message: JsonObject, options: unknown): void {
    const method = message.method as string;
    const params = isObject(message.params) ? message.params : undefined;
    const cancelledOutbound =
      method === 'notifications/cancelled' && params !== undefined
        ? this.outbound.find(params.requestId)
        : undefined;
    if (cancelledOutbound !== undefined) this.outbound.end(cancelledOutbound, 'cancelled');
    if (this.endpointInternals.hooks.onNotification.length === 0) return;
    // Progress this endpoint reports is about a request it handles.
    const related =
      cancelledOutbound ??
      this.relatedRequest(options) ??
      this.inbound.ownerOfProgressToken(params?.progressToken);
    this.notify('outbound', method, params, related);
  }

  private notify(
    direction: Direction,
    method: string,
    params: JsonObject | undefined,
    request: RequestFacts | undefined,
  ): void {
    const hooks = this.endpointInternals.hooks.onNotification;
    if (hooks.length === 0) return;
    const facts: NotificationFacts = {
      method,
      direction,
      params,
      session: this,
      request,
      time: timeOrigin + performance.now(),
    };
    callHooks(hooks, 'onNotification', facts, this.endpointInternals.receiver);
  }

  /** A refused request is answered with its JSON-RPC error, as the SDK would answer it. */
  refuse(record: RequestFacts, error: JsonRpcErrorObject): void {
    if (this.closed) return;
    const response = {
      jsonrpc: '2.0',
      id: record.id,
      error: error.data === undefined ? { code: error.code, message: error.message } : { ...error },
    };
    this.send(response, { relatedRequestId: record.id }).catch(() => undefined);
  }

  // ---- sessions --------------------------------------------------------------------------------------

  private startServerSession(record: RequestRecord): void {
    ({ name: this.clientName, version: this.clientVersion } = infoOf(record.params?.clientInfo));
    const negotiated = isObject(record.result) ? record.result.protocolVersion : undefined;
    this.protocolVersion = capString(negotiated) ?? capString(record.params?.protocolVersion);
    this.startSession();
  }

  private startClientSession(record: RequestRecord): void {
    const result = isObject(record.result) ? record.result : {};
    ({ name: this.serverName, version: this.serverVersion } = infoOf(result.serverInfo));
    this.protocolVersion = capString(result.protocolVersion);
    this.startSession();
  }

  private startSession(): void {
    if (this.initialized) return;
    this.initialized = true;
    const hooks = this.endpointInternals.hooks.onSessionStart;
    if (hooks.length > 0) callHooks(hooks, 'onSessionStart', this, this.endpointInternals.receiver);
  }

  // ---- ends ------------------------------------------------------------------------------------------

  /**
   * Streamable HTTP: a transport that finished its HTTP exchanges without a session id and with nothing
   * in flight can never be reached again (no client knows a session id for it). Such a connection is
   * abandoned, so nothing keeps it (or its server) alive; a later exchange on it opens it again.
   */
  private watchExchanges(transport: SdkTransport): void {
    const handleRequest = transport.handleRequest;
    if (typeof handleRequest !== 'function') return;
    const connection = this;
    const finished = (): void => {
      connection.exchanges--;
      connection.checkAbandoned();
    };
    transport.handleRequest = function observedHandleRequest(this: unknown, ...args: unknown[]) {
      if (connection.closeReason === 'abandoned') connection.reopen();
      connection.exchanges++;
      let handling: unknown;
      try {
        handling = handleRequest.apply(this, args);
      } catch (error) {
        finished();
        throw error;
      }
      Promise.resolve(handling).then(finished, finished);
      return handling;
    };
  }

  private checkAbandoned(): void {
    if (this.closed || this.exchanges !== 0 || this.transport !== 'streamable-http') return;
    if (this.endpointInternals.role !== 'server' || this.id !== undefined) return;
    if (this.inbound.size > 0 || this.outbound.size > 0) return;
    this.end('abandoned');
  }

  private reopen(): void {
    this.closed = false;
    this.closeReason = undefined;
    this.initialized = false;
    this.endTime = undefined;
    this.durationMs = undefined;
    this.startMark = performance.now();
    this.startTime = timeOrigin + this.startMark;
    this.endpointInternals.connectionOpened(this);
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
    this.end('closed');
  }

  private end(reason: 'closed' | 'abandoned'): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    const endMark = performance.now();
    this.durationMs = endMark - this.startMark;
    this.endTime = timeOrigin + endMark;
    this.inbound.endAll();
    this.outbound.endAll();
    this.endpointInternals.connectionClosed(this);
  }

  private handleTransportError(error: Error): void {
    try {
      this.protocolOnError?.call(this.sdkTransport, error);
    } finally {
      const hooks = this.endpointInternals.hooks.onTransportError;
      if (hooks.length > 0) {
        const facts: TransportErrorFacts = { error, session: this, side: transportErrorSide(error) };
        callHooks(hooks, 'onTransportError', facts, this.endpointInternals.receiver);
      }
    }
  }
}
