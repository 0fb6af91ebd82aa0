/**
 * The facts of one request and the transitions that write them. Core's other files call these methods;
 * none of them writes a record's fields directly.
 */

import type { ConnectionInternals, ToolCallFacts } from './internal-types.js';
import { isObject, type JsonObject } from './json-rpc.js';
import type {
  Direction,
  ErrorSide,
  JsonRpcErrorObject,
  JsonRpcId,
  Outcome,
  Refusal,
  RequestAuth,
  RequestFacts,
  ToolErrorReason,
  TraceIds,
} from './types.js';
import { isClientErrorCode, isRequestSchemaError, OTHER_VALUE, toolErrorSide } from './vocabulary.js';

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

export class RequestRecord implements RequestFacts {
  [slot: symbol]: unknown;
  readonly id: JsonRpcId;
  readonly method: string;
  readonly direction: Direction;
  readonly target: string | undefined;
  targetRegistered: boolean | undefined = undefined;
  readonly params: JsonObject | undefined;
  readonly meta: JsonObject | undefined;
  readonly session: ConnectionInternals;
  readonly auth: RequestAuth | undefined;
  readonly parentRequest: RequestFacts | undefined;
  readonly startMark: number;
  readonly startTime: number;
  trace: TraceIds | undefined = undefined;

  outcome: Outcome | undefined = undefined;
  errorCode: number | undefined = undefined;
  errorMessage: string | undefined = undefined;
  errorType: string | undefined = undefined;
  errorSide: ErrorSide | undefined = undefined;
  toolErrorReason: ToolErrorReason | undefined = undefined;
  error: unknown = undefined;
  result: unknown = undefined;
  refusal: Refusal | undefined = undefined;
  endTime: number | undefined = undefined;
  durationMs: number | undefined = undefined;
  ended = false;

  /** Values plugins asked to carry in the request's async context. */
  contextValues: Map<symbol, unknown> | undefined = undefined;
  /** Entries plugins asked to add to an outbound request's `params._meta`. */
  addedMeta: Record<string, string> | undefined = undefined;
  /** The plugin whose `aroundRequest` is running (the default author of a refusal). */
  aroundPlugin: string | undefined = undefined;
  /** Handed to the SDK's protocol layer. */
  dispatched = false;
  /** A response was handed to the transport (inbound) or received (outbound): the outcome is known. */
  responded = false;
  /** Requests on the same connection that reuse this id while it is in flight (a client bug). */
  nextWithSameId: RequestRecord | undefined = undefined;
  /** Arrived while another request with its id was in flight: dispatched in its own async context. */
  duplicateId = false;
  private unknownTool = false;
  private toolsManaged = false;
  private handlerStarted = false;
  private endMark = 0;

  constructor(
    session: ConnectionInternals,
    message: JsonObject,
    direction: Direction,
    auth: RequestAuth | undefined,
    parentRequest: RequestFacts | undefined,
  ) {
    this.session = session;
    this.direction = direction;
    this.id = message.id as JsonRpcId;
    this.method = message.method as string;
    const params = isObject(message.params) ? message.params : undefined;
    this.params = params;
    this.meta = params !== undefined && isObject(params._meta) ? params._meta : undefined;
    this.target = targetOf(this.method, params);
    this.auth = auth;
    this.parentRequest = parentRequest;
    this.startMark = performance.now();
    this.startTime = timeOrigin + this.startMark;
  }

  // ---- what plugins may do -----------------------------------------------------------------------------

  refuse(error: JsonRpcErrorObject, refusal: Omit<Refusal, 'plugin'> & { plugin?: string }): void {
    if (this.direction !== 'inbound' || this.ended || this.responded || this.dispatched) return;
    if (this.refusal !== undefined) return;
    this.refusal = {
      plugin: refusal.plugin ?? this.aroundPlugin ?? 'unknown',
      reason: refusal.reason,
      ...(refusal.scope === undefined ? {} : { scope: refusal.scope }),
    };
    this.session.refuse(this, error, this.refusal);
  }

  setMeta(key: string, value: string): void {
    if (this.direction !== 'outbound' || this.responded || this.ended) return;
    this.addedMeta ??= {};
    this.addedMeta[key] ??= value;
  }

  setTrace(trace: TraceIds): void {
    this.trace = trace;
  }

  setContextValue(key: symbol, value: unknown): void {
    this.contextValues ??= new Map();
    this.contextValues.set(key, value);
  }

  // ---- transitions (core only) -------------------------------------------------------------------------

  /** Facts that depend on the server's registry, known when a tools/call or prompts/get starts. */
  describeTarget(facts: ToolCallFacts): void {
    this.targetRegistered = facts.targetRegistered;
    this.unknownTool = facts.unknownTool;
    this.toolsManaged = facts.toolsManaged;
  }

  markDispatched(): boolean {
    if (this.ended || this.responded || this.dispatched) return false;
    this.dispatched = true;
    return true;
  }

  /** McpServer started this tool call's handler: its arguments were valid. */
  markHandlerStarted(): void {
    this.handlerStarted = true;
  }

  /** Keeps the original error a handler threw (the first one wins). */
  keepError(error: unknown): void {
    if (this.error === undefined) this.error = error;
  }

  /** Why a tools/call failed, as the tool steps saw it (the first reason wins). */
  markToolFailure(reason: ToolErrorReason, error: unknown): void {
    if (this.method !== 'tools/call' || this.toolErrorReason !== undefined) return;
    this.toolErrorReason = reason;
    this.keepError(error);
  }

  /** Records the response: sent for an inbound request, received for an outbound one. */
  respondWith(message: JsonObject): void {
    this.responded = true;
    this.endMark = performance.now();
    const error = message.error;
    if (isObject(error)) {
      const code = typeof error.code === 'number' ? error.code : undefined;
      this.outcome = 'error';
      this.errorCode = code;
      this.errorMessage = typeof error.message === 'string' ? error.message : undefined;
      this.errorType = code === undefined ? OTHER_VALUE : String(code);
      if (this.unknownTool) {
        this.toolErrorReason = 'unknown_tool';
        this.errorSide = 'client';
        return;
      }
      // A JSON-RPC error is not a tool error: a handler that threw one (URL elicitation) chose the code.
      this.toolErrorReason = undefined;
      this.errorSide =
        code !== undefined && (isClientErrorCode(code) || isRequestSchemaError(this.error))
          ? 'client'
          : 'server';
      return;
    }
    const result = message.result;
    this.result = result;
    if (this.method === 'tools/call' && isObject(result) && result.isError === true) {
      this.outcome = 'tool_error';
      this.errorType = 'tool_error';
      if (this.direction === 'inbound') {
        if (this.unknownTool) this.toolErrorReason = 'unknown_tool';
        else if (this.toolErrorReason !== undefined) {
          // kept: handler_threw or invalid_output, seen by the tool steps
        } else if (this.toolsManaged && !this.handlerStarted) this.toolErrorReason = 'invalid_arguments';
        else this.toolErrorReason = 'handler_returned_error';
      }
      this.errorSide = this.toolErrorReason === undefined ? 'tool' : toolErrorSide(this.toolErrorReason);
      return;
    }
    this.outcome = 'ok';
    this.toolErrorReason = undefined;
  }

  /** An outbound request could not be sent: it ends as an error named after the error's class. */
  failToSend(error: unknown): void {
    if (this.responded || this.ended) return;
    this.responded = true;
    this.endMark = performance.now();
    this.outcome = 'error';
    this.error = error;
    const name = error instanceof Error ? error.constructor.name || error.name : '';
    this.errorType = name === '' ? OTHER_VALUE : name;
    this.errorSide = 'server';
  }

  /** Marks the end, overriding the outcome when given; returns false if it had already ended. */
  finish(outcome?: Outcome): boolean {
    if (this.ended) return false;
    this.ended = true;
    if (outcome !== undefined) {
      this.outcome = outcome;
      this.errorCode = undefined;
      this.errorMessage = undefined;
      this.toolErrorReason = undefined;
      // Only an SDK that dropped a request ends it as an error without a response.
      this.errorType = outcome === 'error' ? OTHER_VALUE : undefined;
      this.errorSide = outcome === 'error' ? 'server' : undefined;
    }
    if (!this.responded) this.endMark = performance.now();
    this.durationMs = this.endMark - this.startMark;
    this.endTime = timeOrigin + this.endMark;
    return true;
  }
}
