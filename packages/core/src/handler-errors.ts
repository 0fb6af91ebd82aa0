/**
 * Handler-level wrapping, for one purpose only: keep the original error a handler throws before the
 * SDK turns it into an `isError` result or a JSON-RPC error, and tell why a tool call failed. Every
 * wrapper calls the original exactly once and returns or rethrows exactly what it got.
 */
import type { RequestRecord } from './request-record.js';
import type { RequestHandler, SdkProtocol, SdkRegistry } from './sdk-shape.js';
import type { ToolErrorReason } from './types.js';

const CAPTURES_ERRORS = Symbol.for('mcpscope.capturesErrors');

export interface HandlerRecordLookup {
  /** The request a handler serves, from its `extra` (v1) / `ctx` (v2), or the request id. */
  recordForHandler(handlerContext: unknown): RequestRecord | undefined;
  recordForId(requestId: unknown): RequestRecord | undefined;
}

function markToolFailure(record: RequestRecord | undefined, reason: ToolErrorReason, error: unknown): void {
  if (record === undefined || record.method !== 'tools/call' || record.toolErrorReason !== undefined) return;
  record.toolErrorReason = reason;
  if (error !== undefined && record.error === undefined) record.error = error;
}

type ExecuteToolHandler = NonNullable<SdkRegistry['executeToolHandler']>;
type ValidateToolOutput = NonNullable<SdkRegistry['validateToolOutput']>;

/**
 * Replaces McpServer's tool execution steps on this instance (so tools registered before and after
 * `observe` are covered alike). Marks each call whose handler started: a registered tool that failed
 * before its handler started had invalid arguments. Returns false if this SDK version has no such steps.
 */
export function captureToolFailures(registry: SdkRegistry, lookup: HandlerRecordLookup): boolean {
  const { executeToolHandler, validateToolOutput } = registry;
  if (typeof executeToolHandler !== 'function') return false;
  // Results of tools with an output schema, so a failing output validation finds its request.
  const resultOwners = new WeakMap<object, RequestRecord>();

  registry.executeToolHandler = function (this: unknown, tool, args, handlerContext) {
    const record = lookup.recordForHandler(handlerContext);
    if (record !== undefined) record.handlerStarted = true;
    const fail = (error: unknown): never => {
      markToolFailure(record, 'handler_threw', error);
      throw error;
    };
    let pending: Promise<unknown>;
    try {
      pending = executeToolHandler.call(this, tool, args, handlerContext);
    } catch (error) {
      return fail(error);
    }
    if (
      (tool as { outputSchema?: unknown } | undefined)?.outputSchema === undefined ||
      record === undefined
    ) {
      return Promise.resolve(pending).then(undefined, fail);
    }
    return Promise.resolve(pending).then((result) => {
      if (typeof result === 'object' && result !== null) resultOwners.set(result, record);
      return result;
    }, fail);
  } satisfies ExecuteToolHandler;

  if (typeof validateToolOutput === 'function') {
    registry.validateToolOutput = function (this: unknown, tool, result, toolName) {
      const record = typeof result === 'object' && result !== null ? resultOwners.get(result) : undefined;
      return validateToolOutput.call(this, tool, result, toolName).then(undefined, (error: unknown) => {
        markToolFailure(record, 'invalid_output', error);
        throw error;
      });
    } satisfies ValidateToolOutput;
  }
  return true;
}

function captureThrown(handler: RequestHandler, lookup: HandlerRecordLookup): RequestHandler {
  const capturing = function (this: unknown, request: unknown, extra: unknown): unknown {
    const record = lookup.recordForId((request as { id?: unknown } | undefined)?.id);
    const keep = (error: unknown): never => {
      if (record !== undefined && record.error === undefined) record.error = error;
      throw error;
    };
    let returned: unknown;
    try {
      returned = handler.call(this, request, extra);
    } catch (error) {
      return keep(error);
    }
    return returned instanceof Promise ? returned.then(undefined, keep) : returned;
  };
  Object.defineProperty(capturing, CAPTURES_ERRORS, { value: true });
  return capturing;
}

/** Wraps the protocol-level handler of `method` (once) so its original thrown error is kept. */
export function captureHandlerErrors(
  protocol: SdkProtocol,
  method: string,
  lookup: HandlerRecordLookup,
): void {
  const handlers = protocol._requestHandlers;
  if (!(handlers instanceof Map)) return;
  const handler = handlers.get(method);
  if (handler === undefined || (handler as unknown as Record<symbol, unknown>)[CAPTURES_ERRORS] === true) {
    return;
  }
  handlers.set(method, captureThrown(handler, lookup));
}
