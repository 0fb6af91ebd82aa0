/**
 * JSON-RPC message classification that agrees with the MCP SDK's own guards (v1 and v2 share the same
 * strict schemas): core must start a request exactly when the SDK will treat the message as one.
 */
import type { JsonRpcId } from './types.js';

export type MessageKind = 'request' | 'notification' | 'result' | 'error' | 'other';

export type JsonObject = Record<string, unknown>;

const RELATED_TASK_META_KEY = 'io.modelcontextprotocol/related-task';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isRequestId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || Number.isSafeInteger(value);
}

/** The keys each kind of message may have (the SDK's schemas are strict). */
type KeyCheck = (key: string) => boolean;

const isRequestKey: KeyCheck = (key) =>
  key === 'jsonrpc' || key === 'id' || key === 'method' || key === 'params';
const isNotificationKey: KeyCheck = (key) => key === 'jsonrpc' || key === 'method' || key === 'params';
const isResultKey: KeyCheck = (key) => key === 'jsonrpc' || key === 'id' || key === 'result';
const isErrorKey: KeyCheck = (key) => key === 'jsonrpc' || key === 'id' || key === 'error';

function hasOnlyKeys(message: JsonObject, allowed: KeyCheck): boolean {
  for (const key in message) {
    if (!allowed(key)) return false;
  }
  return true;
}

function isValidMeta(meta: unknown): boolean {
  if (meta === undefined) return true;
  if (!isObject(meta)) return false;
  const token = meta.progressToken;
  if (token !== undefined && !isRequestId(token)) return false;
  const relatedTask = meta[RELATED_TASK_META_KEY];
  if (relatedTask !== undefined && !(isObject(relatedTask) && typeof relatedTask.taskId === 'string')) {
    return false;
  }
  return true;
}

function isValidParams(params: unknown): boolean {
  if (params === undefined) return true;
  return isObject(params) && isValidMeta(params._meta);
}

function isErrorResponse(message: JsonObject): boolean {
  if (!hasOnlyKeys(message, isErrorKey)) return false;
  if (message.id !== undefined && !isRequestId(message.id)) return false;
  const error = message.error;
  return isObject(error) && Number.isSafeInteger(error.code) && typeof error.message === 'string';
}

/**
 * Classifies a message the way the SDK's `Protocol` does, in the same order. Results follow SDK v2's
 * looser `_meta` rule; SDK v1 also checks the progress token and task id inside a result's `_meta`.
 */
export function classifyMessage(message: unknown): MessageKind {
  if (!isObject(message) || message.jsonrpc !== '2.0') return 'other';
  if ('result' in message) {
    return hasOnlyKeys(message, isResultKey) &&
      isRequestId(message.id) &&
      isObject(message.result) &&
      (message.result._meta === undefined || isObject(message.result._meta))
      ? 'result'
      : 'other';
  }
  if ('error' in message) return isErrorResponse(message) ? 'error' : 'other';
  if (typeof message.method !== 'string' || !isValidParams(message.params)) return 'other';
  if ('id' in message) {
    return hasOnlyKeys(message, isRequestKey) && isRequestId(message.id) ? 'request' : 'other';
  }
  return hasOnlyKeys(message, isNotificationKey) ? 'notification' : 'other';
}

/** Caps a client-supplied string (client name, version) before it reaches any plugin. */
export function capString(value: unknown, maxLength = 256): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > maxLength ? value.slice(0, maxLength) : value;
}
