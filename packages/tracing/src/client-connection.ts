/**
 * One transport of an instrumented MCP client: CLIENT spans for the requests it sends (trace context
 * injected into their `params._meta`), SERVER spans for the requests the server sends it (sampling,
 * elicitation, roots), progress and cancellation as span events. Methods are replaced in place.
 */
import { type Context, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import {
  ATTR_MCP_CANCELLED_REASON,
  ATTR_MCP_PROGRESS_CURRENT,
  ATTR_MCP_PROGRESS_TOTAL,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_SESSION_ID,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  capTarget,
  setRequestAttributes,
  spanNameOf,
  targetOf,
} from './attributes.js';
import { type RequestOutcome, recordOutcome, recordSendFailure } from './outcome.js';
import { injectedMeta, isTraced, startInboundSpan } from './span-context.js';
import type { ToolPayloadRecorder } from './tool-payload.js';
import type { TracerSource } from './tracer.js';

type JsonObject = Record<string, unknown>;
type JsonRpcId = string | number;
type MessageHandler = (message: unknown, extra?: unknown) => void;
type SendFunction = (message: unknown, options?: unknown) => Promise<void>;

/** A client transport as the SDK's `Protocol` uses it (v1 and v2). */
export interface ClientTransport {
  send: SendFunction;
  onmessage?: MessageHandler | undefined;
  onclose?: (() => void) | undefined;
  readonly sessionId?: string | undefined;
  /** Streamable HTTP transports expose the negotiated version. */
  readonly protocolVersion?: string | undefined;
}

/** The parts of an SDK `Client` (v1 and v2) the instrumentation reads. */
export interface SdkClient {
  connect(transport: ClientTransport, ...rest: unknown[]): Promise<void>;
  readonly transport?: ClientTransport | undefined;
  getNegotiatedProtocolVersion?(): string | undefined;
}

export interface ClientSettings {
  readonly tracer: TracerSource;
  readonly preferAmbientParent: boolean;
  readonly resourceUriInSpanName: boolean;
  readonly callerErrors: 'error' | 'unset';
  readonly payloads: ToolPayloadRecorder | undefined;
}

interface OutboundRequest {
  readonly span: Span;
  readonly context: Context;
  readonly method: string;
  readonly target: string | undefined;
  readonly progressToken: unknown;
}

interface Endpoint {
  readonly address: string | undefined;
  readonly port: number | undefined;
  readonly networkTransport: 'tcp' | 'pipe' | undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function endpointOf(transport: object): Endpoint {
  const url = (transport as { _url?: unknown })._url;
  if (url instanceof URL) {
    const address = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return { address, port, networkTransport: 'tcp' };
  }
  const stdio = /stdio/i.test(transport.constructor?.name ?? '');
  return { address: undefined, port: undefined, networkTransport: stdio ? 'pipe' : undefined };
}

export class ClientConnection {
  private readonly outbound = new Map<JsonRpcId, OutboundRequest>();
  private readonly inbound = new Map<JsonRpcId, Span>();
  private readonly progressOwners = new Map<unknown, OutboundRequest>();
  private messageHandler: MessageHandler | undefined = undefined;
  private closeHandler: (() => void) | undefined = undefined;
  /** The message being handled, so a handler wrapped twice still records it once. */
  private receiving: unknown = undefined;
  private endpoint: Endpoint | undefined = undefined;
  private protocolVersion: string | undefined = undefined;

  constructor(
    private readonly transport: ClientTransport,
    private readonly client: SdkClient,
    private readonly settings: ClientSettings,
  ) {
    const originalSend = transport.send;
    transport.send = (message, options) => this.send(originalSend, message, options);
    this.installHandlers();
  }

  /**
   * The SDK sets `onmessage`/`onclose` when it connects (and v2 swaps them around its version probe):
   * wrap whatever is installed before anything is sent, so every answer is seen.
   */
  private installHandlers(): void {
    const { transport } = this;
    const onmessage = transport.onmessage;
    if (onmessage !== undefined && onmessage !== this.messageHandler) {
      const handler: MessageHandler = (message, extra) => this.receive(onmessage, message, extra);
      this.messageHandler = handler;
      transport.onmessage = handler;
    }
    const onclose = transport.onclose;
    if (onclose !== undefined && onclose !== this.closeHandler) {
      const handler = (): void => {
        try {
          onclose.call(transport);
        } finally {
          this.close();
        }
      };
      this.closeHandler = handler;
      transport.onclose = handler;
    }
  }

  // ---- outbound ---------------------------------------------------------------------------------------

  private send(originalSend: SendFunction, message: unknown, options: unknown): Promise<void> {
    let request: OutboundRequest | undefined;
    let outgoing = message;
    try {
      this.installHandlers();
      if (isObject(message)) {
        if (typeof message.method === 'string') {
          if (message.id !== undefined) {
            request = this.startRequest(message);
            if (request !== undefined) outgoing = this.withTraceContext(message, request.context);
          } else if (message.method === 'notifications/cancelled') {
            this.cancelOutbound(message.params);
          }
        } else if (message.id !== undefined) {
          this.answerInbound(message);
        }
      }
    } catch {
      // Tracing never stands in the way of a message.
    }
    if (request === undefined) return originalSend.call(this.transport, outgoing, options);
    const started = request;
    let sending: Promise<void>;
    try {
      sending = context.with(started.context, originalSend, this.transport, outgoing, options);
    } catch (error) {
      this.failOutbound(message as JsonObject, started, error);
      throw error;
    }
    Promise.resolve(sending).then(undefined, (error: unknown) =>
      this.failOutbound(message as JsonObject, started, error),
    );
    return sending;
  }

  private startRequest(message: JsonObject): OutboundRequest | undefined {
    const method = message.method as string;
    const params = isObject(message.params) ? message.params : undefined;
    const rawTarget = targetOf(method, params);
    const target = typeof rawTarget === 'string' ? rawTarget : undefined;
    const parent = context.active();
    const span = this.settings
      .tracer()
      .startSpan(
        spanNameOf(method, target, this.settings.resourceUriInSpanName),
        { kind: SpanKind.CLIENT },
        parent,
      );
    if (!isTraced(span)) return undefined;
    const meta = params?._meta;
    const progressToken = isObject(meta) ? meta.progressToken : undefined;
    const request: OutboundRequest = {
      span,
      context: trace.setSpan(parent, span),
      method,
      target,
      progressToken,
    };
    const id = message.id as JsonRpcId;
    this.outbound.set(id, request);
    if (progressToken !== undefined) this.progressOwners.set(progressToken, request);
    if (span.isRecording()) {
      setRequestAttributes(span, method, id, target);
      this.setConnectionAttributes(span, true);
      const { payloads } = this.settings;
      if (payloads?.recordArguments === true && method === 'tools/call') {
        payloads.record(span, 'arguments', target, 'client', params?.arguments);
      }
    }
    return request;
  }

  /** A copy of the request with the propagators' fields in `params._meta` (the caller's object is kept). */
  private withTraceContext(message: JsonObject, spanContext: Context): JsonObject {
    const injected = injectedMeta(spanContext);
    if (injected === undefined) return message;
    const params = isObject(message.params) ? message.params : {};
    const meta = isObject(params._meta) ? params._meta : {};
    return { ...message, params: { ...params, _meta: { ...meta, ...injected } } };
  }

  private cancelOutbound(params: unknown): void {
    if (!isObject(params)) return;
    const request = this.takeOutbound(params.requestId);
    if (request === undefined) return;
    const { span } = request;
    try {
      if (span.isRecording()) {
        const reason = params.reason;
        span.addEvent(
          'notifications/cancelled',
          typeof reason === 'string' ? { [ATTR_MCP_CANCELLED_REASON]: capTarget(reason) } : undefined,
        );
        recordOutcome(span, 'cancelled', undefined, undefined, 'client', 'error');
      }
    } finally {
      span.end();
    }
  }

  private failOutbound(message: JsonObject, request: OutboundRequest, error: unknown): void {
    if (this.outbound.get(message.id as JsonRpcId) !== request) return;
    this.takeOutbound(message.id);
    try {
      if (request.span.isRecording()) recordSendFailure(request.span, error);
    } finally {
      request.span.end();
    }
  }

  private takeOutbound(id: unknown): OutboundRequest | undefined {
    const request = this.outbound.get(id as JsonRpcId);
    if (request === undefined) return undefined;
    this.outbound.delete(id as JsonRpcId);
    if (request.progressToken !== undefined) this.progressOwners.delete(request.progressToken);
    return request;
  }

  /** The client answered a request the server sent it. */
  private answerInbound(message: JsonObject): void {
    const id = message.id as JsonRpcId;
    const span = this.inbound.get(id);
    if (span === undefined) return;
    this.inbound.delete(id);
    try {
      if (span.isRecording()) {
        const error = message.error;
        const code = isObject(error) && typeof error.code === 'number' ? error.code : undefined;
        recordOutcome(
          span,
          isObject(error) ? 'error' : 'ok',
          code,
          undefined,
          'server',
          this.settings.callerErrors,
        );
      }
    } finally {
      span.end();
    }
  }

  // ---- inbound ----------------------------------------------------------------------------------------

  private receive(deliver: MessageHandler, message: unknown, extra: unknown): void {
    if (message === this.receiving) {
      deliver.call(this.transport, message, extra);
      return;
    }
    const previous = this.receiving;
    this.receiving = message;
    try {
      let spanContext: Context | undefined;
      try {
        spanContext = this.observeInbound(message);
      } catch {
        // Tracing never stands in the way of a message.
      }
      if (spanContext === undefined) deliver.call(this.transport, message, extra);
      else context.with(spanContext, deliver, this.transport, message, extra);
    } finally {
      this.receiving = previous;
    }
  }

  /** Records what a message from the server means; returns the context to handle it in, if any. */
  private observeInbound(message: unknown): Context | undefined {
    if (!isObject(message)) return undefined;
    const method = message.method;
    if (typeof method !== 'string') {
      if (message.id !== undefined) this.finishOutbound(message);
      return undefined;
    }
    const params = isObject(message.params) ? message.params : undefined;
    if (message.id !== undefined) return this.startInbound(message, method, params);
    if (method === 'notifications/progress') this.recordProgress(params);
    else if (method === 'notifications/cancelled') this.cancelInbound(params);
    return undefined;
  }

  private finishOutbound(message: JsonObject): void {
    const request = this.takeOutbound(message.id);
    if (request === undefined) return;
    const { span, method } = request;
    const result = isObject(message.result) ? message.result : undefined;
    if (method === 'initialize' && typeof result?.protocolVersion === 'string') {
      this.protocolVersion = result.protocolVersion;
    }
    try {
      if (!span.isRecording()) return;
      const error = message.error;
      let outcome: RequestOutcome = 'ok';
      let code: number | undefined;
      if (isObject(error)) {
        outcome = 'error';
        code = typeof error.code === 'number' ? error.code : undefined;
      } else if (method === 'tools/call' && result?.isError === true) {
        outcome = 'tool_error';
      }
      if (method === 'initialize') this.setConnectionAttributes(span, true);
      recordOutcome(span, outcome, code, undefined, 'client', 'error');
      const { payloads } = this.settings;
      if (payloads?.recordResults === true && outcome === 'ok' && method === 'tools/call') {
        payloads.record(span, 'result', request.target, 'client', result);
      }
    } finally {
      span.end();
    }
  }

  private startInbound(
    message: JsonObject,
    method: string,
    params: JsonObject | undefined,
  ): Context | undefined {
    const rawTarget = targetOf(method, params);
    const target = typeof rawTarget === 'string' ? rawTarget : undefined;
    const meta = params?._meta;
    const spanContext = startInboundSpan(
      this.settings.tracer(),
      spanNameOf(method, target, this.settings.resourceUriInSpanName),
      SpanKind.SERVER,
      isObject(meta) ? meta : undefined,
      this.settings.preferAmbientParent,
    );
    if (spanContext === undefined) return undefined;
    const span = trace.getSpan(spanContext)!;
    this.inbound.set(message.id as JsonRpcId, span);
    if (span.isRecording()) {
      setRequestAttributes(span, method, message.id as JsonRpcId, target);
      this.setConnectionAttributes(span, false);
    }
    return spanContext;
  }

  private recordProgress(params: JsonObject | undefined): void {
    const request = params === undefined ? undefined : this.progressOwners.get(params.progressToken);
    if (request === undefined || !request.span.isRecording()) return;
    const { progress, total } = params!;
    const attributes: Record<string, number> = {};
    if (typeof progress === 'number') attributes[ATTR_MCP_PROGRESS_CURRENT] = progress;
    if (typeof total === 'number') attributes[ATTR_MCP_PROGRESS_TOTAL] = total;
    request.span.addEvent('notifications/progress', attributes);
  }

  /** The server cancelled a request it had sent to this client. */
  private cancelInbound(params: JsonObject | undefined): void {
    if (params === undefined) return;
    const id = params.requestId as JsonRpcId;
    const span = this.inbound.get(id);
    if (span === undefined) return;
    this.inbound.delete(id);
    try {
      if (span.isRecording()) {
        const reason = params.reason;
        span.addEvent(
          'notifications/cancelled',
          typeof reason === 'string' ? { [ATTR_MCP_CANCELLED_REASON]: capTarget(reason) } : undefined,
        );
        recordOutcome(span, 'cancelled', undefined, undefined, 'server', this.settings.callerErrors);
      }
    } finally {
      span.end();
    }
  }

  // ---- both -------------------------------------------------------------------------------------------

  private setConnectionAttributes(span: Span, withServerAddress: boolean): void {
    this.endpoint ??= endpointOf(this.transport);
    const { address, port, networkTransport } = this.endpoint;
    if (withServerAddress && address !== undefined) {
      span.setAttribute(ATTR_SERVER_ADDRESS, address);
      if (port !== undefined) span.setAttribute(ATTR_SERVER_PORT, port);
    }
    if (networkTransport !== undefined) {
      span.setAttribute(ATTR_NETWORK_TRANSPORT, networkTransport);
      if (networkTransport === 'tcp') span.setAttribute(ATTR_NETWORK_PROTOCOL_NAME, 'http');
    }
    const sessionId = this.transport.sessionId;
    if (typeof sessionId === 'string') span.setAttribute(ATTR_MCP_SESSION_ID, sessionId);
    const protocolVersion =
      this.protocolVersion ?? this.client.getNegotiatedProtocolVersion?.() ?? this.transport.protocolVersion;
    if (typeof protocolVersion === 'string') span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, protocolVersion);
  }

  /** The transport closed: nothing stays open. */
  private close(): void {
    const outbound = [...this.outbound.values()];
    const inbound = [...this.inbound.values()];
    this.outbound.clear();
    this.inbound.clear();
    this.progressOwners.clear();
    for (const span of [...outbound.map((request) => request.span), ...inbound]) {
      try {
        if (span.isRecording()) recordOutcome(span, 'closed', undefined, undefined, 'client', 'error');
      } finally {
        span.end();
      }
    }
  }
}
