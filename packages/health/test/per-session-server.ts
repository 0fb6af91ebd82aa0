/**
 * A server per session over Streamable HTTP, written the way examples/http-server writes it, either bare
 * or observed by health() with all of its routes. Both serve `/heap`: the V8 heap used after full
 * garbage collections, for comparing what the two keep.
 * Usage: node --expose-gc --import tsx per-session-server.ts <v1|v2> <bare|observed>
 * Prints `LISTENING <base url>` on stderr.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type McpscopePlugin, nodeHandler, observe } from '@mcpscope/core';
import { createExampleServer, type SdkVersion } from '@mcpscope/test-kit';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { health } from '../src/index.js';

const [sdk, variant] = process.argv.slice(2) as [SdkVersion, 'bare' | 'observed'];
const collect = globalThis.gc;
if (collect === undefined) throw new Error('per-session-server.ts needs node --expose-gc');

const probes = variant === 'observed' ? health({ shutdown: false }) : undefined;
const heap: McpscopePlugin = {
  name: 'heap',
  routes: {
    '/heap': async () => {
      // Twice, a turn apart: weak references are cleared only after the turn that last read them.
      collect();
      await nextTurn();
      collect();
      return { status: 200, body: JSON.stringify({ heapUsed: process.memoryUsage().heapUsed }) };
    },
  },
};

type Transport = StreamableHTTPServerTransport | NodeStreamableHTTPServerTransport;
const routes = nodeHandler(probes === undefined ? [heap] : [probes, heap]);
const sessions = new Map<string, Transport>();

function newTransport(onSession: (id: string) => void): Transport {
  const options = { sessionIdGenerator: randomUUID, onsessioninitialized: onSession };
  return sdk === 'v1'
    ? new StreamableHTTPServerTransport(options)
    : new NodeStreamableHTTPServerTransport(options);
}

async function handleMcp(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const sessionId = request.headers['mcp-session-id'];
  let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
  if (transport === undefined && typeof sessionId === 'string') {
    response.writeHead(404).end();
    return;
  }
  if (transport === undefined) {
    const created = newTransport((id) => void sessions.set(id, created));
    created.onclose = () => void (created.sessionId && sessions.delete(created.sessionId));
    const server = createExampleServer({ sdk });
    await (probes === undefined ? server : observe(server).use(probes)).connect(created as never);
    transport = created;
  }
  await transport.handleRequest(request, response);
}

const http = createServer((request, response) => {
  if (request.url?.startsWith('/mcp')) handleMcp(request, response).catch(() => response.destroy());
  else routes(request, response);
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stderr.write(`LISTENING http://127.0.0.1:${port}\n`);
});
