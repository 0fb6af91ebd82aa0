/**
 * Errors this plugin reports when a request failed without an original error object. Their stack is
 * only the first line, so Sentry shows no frames from inside mcpscope.
 */

/** A tools/call result carrying `isError: true` (reported when `toolErrors` is `'exception'`). */
export class McpToolError extends Error {
  constructor(toolName: string | undefined) {
    super(`Tool "${toolName ?? 'unknown'}" returned an error result`);
    this.name = 'McpToolError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** A JSON-RPC error response whose cause the server did not throw as an error object. */
export class JsonRpcError extends Error {
  readonly code: number | undefined;

  constructor(method: string, code: number | undefined) {
    super(`${method} answered with JSON-RPC error ${code ?? 'without a code'}`);
    this.name = 'JsonRpcError';
    this.code = code;
    this.stack = `${this.name}: ${this.message}`;
  }
}
