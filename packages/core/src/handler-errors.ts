/**
 * Handler-level wrapping, for one purpose only: keep the original error a handler throws before the
 * SDK turns it into an `isError` result or a JSON-RPC error, and tell why a tool call failed. Every
 * wrapper calls the original exactly once and returns exactly what it returned (the same promise: the
 * wrappers watch it on the side, so the SDK answers on the same tick as without them).
 */
import type { HandlerRecordLookup } from './internal-types.js';
import type { RequestRecord } from './request-record.js';
import type { RequestHandler, SdkProtocol, SdkRegistry } from './sdk-shape.js';

const CAPTURES_ERRORS = Symbol.for('mcpscope.capturesErrors');

type Lookup = HandlerRecordLookup<RequestRecord>;

function isThenable(value: unknown): value is Promise<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Runs `onRejected` when `value` rejects, without changing what its consumers see or when. */
function watchRejection(value: unknown, onRejected: (error: unknown) => void): void {
  if (isThenable(value)) value.then(undefined, onRejected);
}

type ExecuteToolHandler = NonNullable<SdkRegistry['executeToolHandler']>;
type ValidateToolOutput = NonNullable<SdkRegistry['validateToolOutput']>;

/**
 * Replaces McpServer's tool execution steps on this instance (so tools registered before and after
 * `observe` are covered alike). Marks each call whose handler started: a registered tool that failed
 * before its handler started had invalid arguments. Returns false if this SDK version has no such steps.
 */
export function captureToolFailures(registry: SdkRegistry, lookup: Lookup): boolean {
  const { executeToolHandler, validateToolOutput } = registry;
  if (typeof executeToolHandler !== 'function') return false;
  // Results of tools with an output schema, so a failing output validation finds its request.
  const resultOwners = new WeakMap<object, RequestRecord>();

  registry.executeToolHandler = function (this: unknown, tool, args, handlerContext) {
    const record = lookup.recordForHandler(handlerContext);
    record?.markHandlerStarted();
    let pending: Promise<unknown>;
    try {
      pending = executeToolHandler.call(this, tool, args, handlerContext);
    } catch (error) {
      record?.markToolFailure('handler_threw', error);
      throw error;
    }
    if (record === undefined || !isThenable(pending)) return pending;
    const hasOutputSchema = (tool as { outputSchema?: unknown } | undefined)?.outputSchema !== undefined;
    pending.then(
      (result) => {
        if (hasOutputSchema && typeof result === 'object' && result !== null)
          resultOwners.set(result, record);
      },
      (error: unknown) => record.markToolFailure('handler_threw', error),
    );
    return pending;
  } satisfies ExecuteToolHandler;

  if (typeof validateToolOutput === 'function') {
    registry.validateToolOutput = function (this: unknown, tool, result, toolName) {
      const validating = validateToolOutput.call(this, tool, result, toolName);
      const record = typeof result === 'object' && result !== null ? resultOwners.get(result) : undefined;
      if (record !== undefined) {
        watchRejection(validating, (error) => record.markToolFailure('invalid_output', error));
      }
      return validating;
    } satisfies ValidateToolOutput;
  }
  return true;
}

function captureThrown(handler: RequestHandler, lookup: Lookup): RequestHandler {
  const capturing = function (this: unknown, request: unknown, extra: unknown): unknown {
    const record = lookup.recordForId((request as { id?: unknown } | undefined)?.id);
    let returned: unknown;
    try {
      returned = handler.call(this, request, extra);
    } catch (error) {
      record?.keepError(error);
      throw error;
    }
    if (record !== undefined) watchRejection(returned, (error) => record.keepError(error));
    return returned;
  };
  Object.defineProperty(capturing, CAPTURES_ERRORS, { value: true });
  return capturing;
}

function isCapturing(handler: unknown): boolean {
  return (handler as Record<symbol, unknown> | undefined)?.[CAPTURES_ERRORS] === true;
}

/**
 * Wraps every protocol-level request handler of this SDK instance, those registered already and those
 * registered later (the SDK registers tools/call and prompts/get handlers lazily), so the original
 * error each throws is kept on its request.
 */
export function captureHandlerErrors(protocol: SdkProtocol, lookup: Lookup): void {
  const handlers = protocol._requestHandlers;
  if (!(handlers instanceof Map) || isCapturing(handlers)) return;
  for (const [method, handler] of handlers) {
    if (!isCapturing(handler)) Map.prototype.set.call(handlers, method, captureThrown(handler, lookup));
  }
  Object.defineProperty(handlers, 'set', {
    configurable: true,
    writable: true,
    value(method: string, handler: RequestHandler) {
      const wrapped =
        typeof handler === 'function' && !isCapturing(handler) ? captureThrown(handler, lookup) : handler;
      return Map.prototype.set.call(this, method, wrapped);
    },
  });
  Object.defineProperty(handlers, CAPTURES_ERRORS, { value: true });
}
