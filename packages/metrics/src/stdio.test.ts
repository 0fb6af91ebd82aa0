import { fileURLToPath } from 'node:url';
import { SDK_VERSIONS, spawnStdioServer, waitFor } from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually.js';
import { select, total } from '../test/exposition-parser.js';
import { scrapeUrl } from '../test/scrape.js';

const fixture = fileURLToPath(new URL('../test/stdio-server.ts', import.meta.url));

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('a stdio server is scraped through the side listener, with pipe transport labels', async () => {
    const child = await spawnStdioServer(fixture, { sdk });
    try {
      await waitFor(() => child.stderr().includes('metrics-url '), 'the side listener address', 20_000);
      const url = `${/metrics-url (\S+)/.exec(child.stderr())![1]}/metrics`;
      await child.client.callTool('echo', { text: 'over stdio' });
      await child.client.callTool('soft_fail');

      expect((await scrapeUrl(url)).status).toBe(401);
      const scrape = () => scrapeUrl(url, { authorization: 'Bearer stdio-secret' });
      await eventually(async () => {
        const { samples } = await scrape();
        const calls = select(samples, 'mcp_server_operation_duration_seconds_count', {
          mcp_method_name: 'tools/call',
        });
        expect(
          calls.map((sample) => [
            sample.labels.gen_ai_tool_name,
            sample.labels.mcp_request_outcome,
            sample.value,
          ]),
        ).toEqual([
          ['echo', 'ok', 1],
          ['soft_fail', 'tool_error', 1],
        ]);
        expect(calls.every((sample) => sample.labels.network_transport === 'pipe')).toBe(true);
        expect(total(samples, 'mcp_server_active_sessions')).toBe(1);
      });
    } finally {
      await child.close();
    }
    // Nothing but MCP ever reached stdout, read raw (the client's parser would drop other lines): the
    // answers to initialize and the two calls, and nothing else.
    expect(child.foreignStdoutLines()).toEqual([]);
    const lines = child
      .stdout()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { jsonrpc: string; id?: number });
    expect(lines.map((line) => [line.jsonrpc, line.id])).toEqual([
      ['2.0', 0],
      ['2.0', 1],
      ['2.0', 2],
    ]);
    expect(child.stderr()).not.toMatch(/\[mcpscope\]/);
  });
});
