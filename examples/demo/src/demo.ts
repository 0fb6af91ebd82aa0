/**
 * An MCP server observed with a small console plugin, driven by the real MCP SDK client: a few
 * successes, a tool that throws, invalid arguments, an unknown tool and a cancellation.
 */
import { type McpscopePlugin, observe, type RequestFacts } from '@mcpscope/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

const print = (line: string) => process.stdout.write(`${line}\n`);

function consolePlugin(): McpscopePlugin & { readonly ended: RequestFacts[] } {
  const ended: RequestFacts[] = [];
  return {
    name: 'console',
    ended,
    onRequestEnd(request) {
      ended.push(request);
      const why = request.toolErrorReason === undefined ? '' : ` (${request.toolErrorReason})`;
      print(
        `  ${request.method.padEnd(11)} ${(request.target ?? '').padEnd(8)} ${request.outcome}${why} in ${request.durationMs?.toFixed(2)} ms`,
      );
    },
  };
}

const server = new McpServer({ name: 'weather', version: '1.0.0' });
server.registerTool('forecast', { inputSchema: { city: z.string() } }, async ({ city }) => ({
  content: [{ type: 'text', text: `Sunny in ${city}` }],
}));
server.registerTool('radar', { inputSchema: {} }, async () => {
  throw new Error('radar offline');
});
server.registerTool('slow', { inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    extra.signal.addEventListener('abort', () => clearTimeout(timer));
  });
  return { content: [{ type: 'text', text: 'done' }] };
});

const plugin = consolePlugin();
observe(server).use(plugin);
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(serverSide);
const client = new Client({ name: 'demo-client', version: '1.0.0' });
await client.connect(clientSide);

print('mcpscope demo: every request the server answers, as core sees it');
await client.callTool({ name: 'forecast', arguments: { city: 'Lisbon' } });
await client.callTool({ name: 'forecast', arguments: { city: 'Oslo' } });
await client.callTool({ name: 'radar', arguments: {} });
await client.callTool({ name: 'forecast', arguments: { city: 42 } });
await client.callTool({ name: 'satellite', arguments: {} });
const controller = new AbortController();
const slow = client.callTool({ name: 'slow', arguments: { ms: 2_000 } }, undefined, {
  signal: controller.signal,
});
setTimeout(() => controller.abort('user gave up'), 50);
await slow.catch(() => undefined);
await client.close();

const counts = new Map<string, number>();
for (const request of plugin.ended)
  counts.set(request.outcome ?? '?', (counts.get(request.outcome ?? '?') ?? 0) + 1);
print(
  `\n${plugin.ended.length} requests: ${[...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}`,
);
