/** Extra tools registered on the test-kit example server (the same call works on SDK v1 and v2). */
import type { ExampleServer } from '@mcpscope/test-kit';

type ToolHandler = () => Promise<{ content: { type: 'text'; text: string }[] }>;

interface ToolRegistry {
  registerTool(name: string, config: { description: string }, handler: ToolHandler): unknown;
}

export function addTool(server: ExampleServer, name: string, handler: ToolHandler): void {
  (server as unknown as ToolRegistry).registerTool(name, { description: `test tool ${name}` }, handler);
}

/** Lets timers and I/O run for roughly `ms` (used to interleave concurrent handlers). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Answers every method without a handler of its own by throwing `message`: the SDK's fallback request
 * handler, which core does not wrap, so the request ends with a -32603 and no original error.
 */
export function failInFallbackHandler(server: ExampleServer, message: string): void {
  (server.server as unknown as { fallbackRequestHandler?: () => Promise<never> }).fallbackRequestHandler =
    async () => {
      throw new Error(message);
    };
}
