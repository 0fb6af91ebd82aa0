/**
 * The JSON-RPC errors of the requests this plugin refuses, with core's refusal codes
 * (`REFUSAL_ERROR_CODES.draining` -32051, `.overloaded` -32050).
 */
import { type JsonRpcErrorObject, REFUSAL_ERROR_CODES, type Refusal } from '@mcpscope/core';

export const PLUGIN_NAME = 'health';

export const DRAINING_MESSAGE = 'Server is shutting down, retry on a new connection';

export const OVERLOADED_MESSAGE = 'Server overloaded, retry later';

/** What a refused request is answered with, and how other plugins see the refusal. */
export interface Gate {
  readonly error: JsonRpcErrorObject;
  readonly refusal: Refusal;
}

export const DRAINING: Gate = {
  error: { code: REFUSAL_ERROR_CODES.draining, message: DRAINING_MESSAGE, data: { reason: 'draining' } },
  refusal: { plugin: PLUGIN_NAME, reason: 'draining' },
};

export function overloadedGate(message: string, retryAfterMs: number): Gate {
  return {
    error: {
      code: REFUSAL_ERROR_CODES.overloaded,
      message,
      data: { reason: 'overloaded', retryAfterMs },
    },
    refusal: { plugin: PLUGIN_NAME, reason: 'overloaded' },
  };
}
