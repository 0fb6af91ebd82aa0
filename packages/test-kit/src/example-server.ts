/**
 * The example MCP server every test drives, built the same way on SDK v1 (@modelcontextprotocol/sdk)
 * and SDK v2 (@modelcontextprotocol/server), counting how often each handler ran.
 */
import { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpServer as V2McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

export type SdkVersion = 'v1' | 'v2';
export type ExampleServer = V1McpServer | V2McpServer;

export const SDK_VERSIONS: readonly SdkVersion[] = ['v1', 'v2'];

/** Counts handler runs by name (`tool:echo`, `prompt:greet`, `resource:config`). */
export class HandlerCalls {
  private readonly counts = new Map<string, number>();

  constructor(private readonly onRecord?: (name: string) => void) {}

  record(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.onRecord?.(name);
  }

  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  get total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }
}

export const TOOL_FAILURE_MESSAGE = 'tool failed on purpose';
export const PROMPT_FAILURE_MESSAGE = 'prompt failed on purpose';
export const RESOURCE_FAILURE_MESSAGE = 'resource failed on purpose';

export interface ExampleServerOptions {
  readonly sdk: SdkVersion;
  readonly calls?: HandlerCalls;
  readonly name?: string;
}

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

type Register = (server: ExampleServer, calls: HandlerCalls) => void;

/** Tools: echo, add, slow, fail (throws), soft_fail (isError). Prompts: greet, broken. Resources: config, broken. */
const registerV1: Register = (untyped, calls) => {
  const server = untyped as V1McpServer;
  server.registerTool(
    'echo',
    { description: 'Echoes text', inputSchema: { text: z.string() } },
    async ({ text: value }) => {
      calls.record('tool:echo');
      return text(value);
    },
  );
  server.registerTool(
    'add',
    { description: 'Adds numbers', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => {
      calls.record('tool:add');
      return text(String(a + b));
    },
  );
  server.registerTool(
    'slow',
    { description: 'Waits', inputSchema: { ms: z.number() } },
    async ({ ms }, extra) => {
      calls.record('tool:slow');
      await delay(ms, extra.signal);
      return text(`slept ${ms}`);
    },
  );
  server.registerTool('fail', { description: 'Throws' }, async () => {
    calls.record('tool:fail');
    throw new Error(TOOL_FAILURE_MESSAGE);
  });
  server.registerTool('soft_fail', { description: 'Returns isError' }, async () => {
    calls.record('tool:soft_fail');
    return { ...text('the tool reports a failure'), isError: true };
  });
  server.registerPrompt('greet', { description: 'Greets', argsSchema: { name: z.string() } }, ({ name }) => {
    calls.record('prompt:greet');
    return { messages: [{ role: 'user', content: { type: 'text', text: `Hello ${name}` } }] };
  });
  server.registerPrompt('broken', { description: 'Throws' }, () => {
    calls.record('prompt:broken');
    throw new Error(PROMPT_FAILURE_MESSAGE);
  });
  server.registerResource('config', 'config://app', { mimeType: 'application/json' }, async (uri) => {
    calls.record('resource:config');
    return { contents: [{ uri: uri.href, text: '{"mode":"test"}' }] };
  });
  server.registerResource('broken', 'broken://resource', {}, async () => {
    calls.record('resource:broken');
    throw new Error(RESOURCE_FAILURE_MESSAGE);
  });
};

const registerV2: Register = (untyped, calls) => {
  const server = untyped as V2McpServer;
  server.registerTool(
    'echo',
    { description: 'Echoes text', inputSchema: z.object({ text: z.string() }) },
    async ({ text: value }) => {
      calls.record('tool:echo');
      return text(value);
    },
  );
  server.registerTool(
    'add',
    { description: 'Adds numbers', inputSchema: z.object({ a: z.number(), b: z.number() }) },
    async ({ a, b }) => {
      calls.record('tool:add');
      return text(String(a + b));
    },
  );
  server.registerTool(
    'slow',
    { description: 'Waits', inputSchema: z.object({ ms: z.number() }) },
    async ({ ms }, ctx) => {
      calls.record('tool:slow');
      await delay(ms, ctx.mcpReq.signal);
      return text(`slept ${ms}`);
    },
  );
  server.registerTool('fail', { description: 'Throws' }, async () => {
    calls.record('tool:fail');
    throw new Error(TOOL_FAILURE_MESSAGE);
  });
  server.registerTool('soft_fail', { description: 'Returns isError' }, async () => {
    calls.record('tool:soft_fail');
    return { ...text('the tool reports a failure'), isError: true };
  });
  server.registerPrompt(
    'greet',
    { description: 'Greets', argsSchema: z.object({ name: z.string() }) },
    ({ name }) => {
      calls.record('prompt:greet');
      return {
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: `Hello ${name}` } }],
      };
    },
  );
  server.registerPrompt('broken', { description: 'Throws' }, () => {
    calls.record('prompt:broken');
    throw new Error(PROMPT_FAILURE_MESSAGE);
  });
  server.registerResource('config', 'config://app', { mimeType: 'application/json' }, async (uri) => {
    calls.record('resource:config');
    return { contents: [{ uri: uri.href, text: '{"mode":"test"}' }] };
  });
  server.registerResource('broken', 'broken://resource', {}, async () => {
    calls.record('resource:broken');
    throw new Error(RESOURCE_FAILURE_MESSAGE);
  });
};

export function createExampleServer(options: ExampleServerOptions): ExampleServer {
  const calls = options.calls ?? new HandlerCalls();
  const info = { name: options.name ?? 'example-server', version: '1.0.0' };
  if (options.sdk === 'v1') {
    const server = new V1McpServer(info, { capabilities: { logging: {} } });
    registerV1(server, calls);
    return server;
  }
  const server = new V2McpServer(info, { capabilities: { logging: {} } });
  registerV2(server, calls);
  return server;
}
