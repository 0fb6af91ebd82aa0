/**
 * JSON-RPC error codes of the requests this plugin refuses, from the range JSON-RPC reserves for
 * implementation-defined server errors (-32000 to -32099), away from the codes the MCP SDKs use
 * (-32000, -32001, -32002, -32020 to -32022, -32042).
 */

/** The server is shedding load (event-loop delay over `loadShedding.maxEventLoopDelayMs`). */
export const OVERLOADED_ERROR_CODE = -32050;

/** The server is shutting down and takes no new requests. */
export const DRAINING_ERROR_CODE = -32051;

export const DRAINING_MESSAGE = 'Server is shutting down, retry on a new connection';

export const OVERLOADED_MESSAGE = 'Server overloaded, retry later';
