import type { Connection } from './connection.js';
import { isObject, type JsonObject } from './json-rpc.js';
import type {
  JsonRpcErrorObject,
  JsonRpcId,
  Outcome,
  Refusal,
  RequestAuth,
  RequestFacts,
  ServerRequestFacts,
  ToolErrorReason,
} from './types.js';

const { timeOrigin } = performance;

function targetOf(method: string, params: JsonObject | undefined): string | undefined {
  if (params === undefined) return undefined;
  switch (method) {
    case 'tools/call':
    case 'prompts/get':
      return typeof params.name === 'string' ? params.name : undefined;
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return typeof params.uri === 'string' ? params.uri : undefined;
    default:
      return undefined;
  }
}

/** The facts of one inbound request. Core mutates it; plugins see it through `RequestFacts`. */
export class RequestRecord implements RequestFacts {
  [slot: symbol]: unknown;
  readonly id: JsonRpcId;
  readonly method: string;
  readonly target: string | undefined;
  targetRegistered: boolean | undefined = undefined;
  readonly params: JsonObject | undefined;
  readonly meta: JsonObject | undefined;
  readonly session: Connection;
  auth: RequestAuth | undefined = undefined;
  readonly startMark: number;
  readonly startTime: number;

  outcome: Outcome | undefined = undefined;
  errorCode: number | undefined = undefined;
  errorMessage: string | undefined = undefined;
  errorType: string | undefined = undefined;
  toolErrorReason: ToolErrorReason | undefined = undefined;
  error: unknown = undefined;
  result: unknown = undefined;
  refusal: Refusal | undefined = undefined;
  endTime: number | undefined = undefined;
  durationMs: number | undefined = undefined;
  ended = false;

  /** The tool was not registered (or disabled) when the call arrived. */
  unknownTool = false;
  /** McpServer runs this tool call, and core sees when its handler starts. */
  toolsManaged = false;
  handlerStarted = false;
  /** Handed to the SDK's protocol layer. */
  dispatched = false;
  /** A response was handed to the transport; the outcome is known, delivery is pending. */
  responded = false;
  endMark = 0;
  /** The plugin whose `aroundRequest` is running (the default author of a refusal). */
  aroundPlugin: string | undefined = undefined;
  /** Requests on the same connection that reuse this id while it is in flight (a client bug). */
  nextWithSameId: RequestRecord | undefined = undefined;
  /** Arrived while another request with its id was in flight: dispatched in its own async context. */
  duplicateId = false;

  constructor(session: Connection, message: JsonObject) {
    this.session = session;
    this.id = message.id as JsonRpcId;
    this.method = message.method as string;
    const params = isObject(message.params) ? message.params : undefined;
    this.params = params;
    this.meta = params !== undefined && isObject(params._meta) ? params._meta : undefined;
    this.target = targetOf(this.method, params);
    this.startMark = performance.now();
    this.startTime = timeOrigin + this.startMark;
  }

  refuse(error: JsonRpcErrorObject, refusal: Omit<Refusal, 'plugin'> & { plugin?: string }): void {
    this.session.refuse(this, error, refusal);
  }

  /** Records the response handed to the transport; the outcome is final from here on. */
  respondWith(message: JsonObject): void {
    this.responded = true;
    this.endMark = performance.now();
    const error = message.error;
    if (isObject(error)) {
      const code = typeof error.code === 'number' ? error.code : undefined;
      this.outcome = 'error';
      this.errorCode = code;
      this.errorMessage = typeof error.message === 'string' ? error.message : undefined;
      this.errorType = code === undefined ? '_OTHER' : String(code);
      if (this.unknownTool) this.toolErrorReason = 'unknown_tool';
      return;
    }
    const result = message.result;
    this.result = result;
    if (this.method === 'tools/call' && isObject(result) && result.isError === true) {
      this.outcome = 'tool_error';
      this.errorType = 'tool_error';
      if (this.unknownTool) this.toolErrorReason = 'unknown_tool';
      else if (this.toolErrorReason !== undefined) return;
      else if (this.toolsManaged && !this.handlerStarted) this.toolErrorReason = 'invalid_arguments';
      else this.toolErrorReason = 'handler_returned_error';
      return;
    }
    this.outcome = 'ok';
  }

  /** Marks the end; returns false if it had already ended. */
  finish(outcome?: Outcome): boolean {
    if (this.ended) return false;
    this.ended = true;
    if (outcome !== undefined) {
      this.outcome = outcome;
      this.errorCode = undefined;
      this.errorMessage = undefined;
      this.errorType = undefined;
    }
    if (!this.responded) this.endMark = performance.now();
    this.durationMs = this.endMark - this.startMark;
    this.endTime = timeOrigin + this.endMark;
    return true;
  }
}

/** A request the server sent to the client. */
export class ServerRequestRecord implements ServerRequestFacts {
  [slot: symbol]: unknown;
  readonly id: JsonRpcId;
  readonly method: string;
  readonly session: Connection;
  readonly parentRequest: RequestRecord | undefined;
  readonly startMark: number;
  readonly startTime: number;
  outcome: 'ok' | 'error' | 'cancelled' | 'closed' | undefined = undefined;
  errorCode: number | undefined = undefined;
  endTime: number | undefined = undefined;
  durationMs: number | undefined = undefined;
  /** Entries plugins asked to add to the outgoing `params._meta`. */
  addedMeta: Record<string, string> | undefined = undefined;

  constructor(session: Connection, message: JsonObject, parentRequest: RequestRecord | undefined) {
    this.session = session;
    this.id = message.id as JsonRpcId;
    this.method = message.method as string;
    this.parentRequest = parentRequest;
    this.startMark = performance.now();
    this.startTime = timeOrigin + this.startMark;
  }

  setMeta(key: string, value: string): void {
    this.addedMeta ??= {};
    this.addedMeta[key] ??= value;
  }

  finish(outcome: 'ok' | 'error' | 'cancelled' | 'closed', errorCode?: number): void {
    const endMark = performance.now();
    this.outcome = outcome;
    this.errorCode = errorCode;
    this.durationMs = endMark - this.startMark;
    this.endTime = timeOrigin + endMark;
  }
}
