/**
 * The README runs as written: its usage (a stdio server writing to stderr), its hooks and privacy
 * options, and its own-logger snippet are checked files in test/fixtures, run here; its install line
 * lists every package they import (besides the server's own SDK and zod).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REDACTED } from '@mcpscope/core';
import { connectInMemory, spawnStdioServer, waitFor } from '@mcpscope/test-kit';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const SNIPPET_FILES = ['readme-server.ts', 'readme-hooks.ts', 'readme-destination.ts'];

const parse = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('README', () => {
  it('usage: a request line and the handler’s line on stderr, sharing the request id', async () => {
    const child = await spawnStdioServer(fixture('readme-server.ts'), {
      sdk: 'v1',
      env: { LOG_LEVEL: 'info' },
    });
    const result = await child.client.callTool('get-weather', { city: 'Paris' });
    expect(result.content).toEqual([{ type: 'text', text: 'Sunny in Paris' }]);
    await waitFor(() => child.stderr().includes('tools/call get-weather ok'), 'the request line');
    await child.close();
    const lines = parse(child.stderr());
    expect(lines.find((line) => line.msg === 'looking up the weather')).toMatchObject({
      city: 'Paris',
      'jsonrpc.request.id': '1',
      'gen_ai.tool.name': 'get-weather',
      'mcp.transport': 'stdio',
    });
    expect(lines.find((line) => line.msg === 'tools/call get-weather ok')).toMatchObject({
      level: 30,
      'jsonrpc.request.id': '1',
      'mcp.request.outcome': 'ok',
    });
  });

  it('hooks: the tenant on the line, secrets redacted, no line for ping', async () => {
    const { lines, loggingPlugin } = await import('../test/fixtures/readme-hooks.js');
    const { observe } = await import('@mcpscope/core');
    const server = observe(new McpServer({ name: 'shop', version: '1.0.0' })).use(loggingPlugin);
    server.registerTool(
      'pay',
      { inputSchema: { card: z.object({ number: z.string() }), password: z.string(), amount: z.number() } },
      async ({ amount }) => ({ content: [{ type: 'text', text: `paid ${amount}` }] }),
    );
    const client = await connectInMemory(server, 'v1');
    await client.request('ping');
    await client.request('tools/call', {
      name: 'pay',
      arguments: { card: { number: '4111111111111111' }, password: 'hunter22', amount: 5 },
      _meta: { tenant: 'acme' },
    });
    await client.close();
    const requestLines = lines.filter((line) => 'mcp.request.outcome' in line);
    expect(requestLines.map((line) => line['mcp.method.name'])).toEqual(['initialize', 'tools/call']);
    expect(requestLines[1]).toMatchObject({
      tenant: 'acme',
      level: 30,
      'gen_ai.tool.call.arguments': `{"card":{"number":"${REDACTED}"},"password":"${REDACTED}","amount":5}`,
    });
  });

  it('own logger: every line reaches the file once the server closes', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mcpscope-logging-readme-'));
    process.env.MCP_LOG_FILE = join(directory, 'logs', 'server.log');
    const { server } = await import('../test/fixtures/readme-destination.js');
    server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    const client = await connectInMemory(server, 'v1');
    await Promise.all(Array.from({ length: 100 }, (_, n) => client.callTool('echo', { text: `n${n}` })));
    await server.close();
    const lines = parse(readFileSync(process.env.MCP_LOG_FILE, 'utf8'));
    expect(lines.filter((line) => line.msg === 'tools/call echo ok')).toHaveLength(100);
    rmSync(directory, { recursive: true, force: true });
  });

  it('its install line lists every package its snippets import', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const listed = new Set(/```sh\n(npm install [^\n]+)\n```/.exec(readme)?.[1]?.split(/\s+/).slice(2));
    const imported = new Set(
      SNIPPET_FILES.flatMap((file) =>
        [...readFileSync(fixture(file), 'utf8').matchAll(/from '((?:@[^/']+\/)?[^/']+)/g)].map(
          (match) => match[1]!,
        ),
      ),
    );
    const missing = [...imported].filter((name) => !name.startsWith('node:') && !listed.has(name));
    expect(missing).toEqual([]);
    expect([...listed].sort()).toEqual([
      '@mcpscope/core',
      '@mcpscope/logging',
      '@modelcontextprotocol/sdk',
      'pino',
      'zod',
    ]);
  });
});
