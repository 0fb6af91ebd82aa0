/** The stdio example as a client's child process: only JSON-RPC on stdout, probes and metrics on the side. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const request = (id: number, method: string, params: Record<string, unknown> = {}) =>
  `${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`;

describe('the stdio example', () => {
  it('answers over stdio, serves /metrics and /readyz on 127.0.0.1, and drains when stdin closes', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))],
      {
        env: { ...process.env, METRICS_PORT: String(port) },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const answers = () => stdout.split('\n').filter((line) => line.length > 0);
    const waitForAnswers = async (count: number) => {
      const deadline = Date.now() + 30_000;
      while (answers().length < count && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    };

    child.stdin.write(
      request(1, 'initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'claude-desktop', version: '1.4.2' },
      }),
    );
    await waitForAnswers(1);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    child.stdin.write(request(2, 'tools/list'));
    child.stdin.write(
      request(3, 'tools/call', { name: 'get_forecast', arguments: { city: 'Oslo', days: 2 } }),
    );
    child.stdin.write(request(4, 'tools/call', { name: 'radar_image', arguments: { station: 'OSL' } }));
    child.stdin.write(
      request(5, 'tools/call', { name: 'get_forecast', arguments: { city: 'Oslo', days: 99 } }),
    );
    await waitForAnswers(5);

    const byId = new Map(answers().map((line) => [JSON.parse(line).id, JSON.parse(line)]));
    expect([...byId.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    for (const line of answers()) expect(JSON.parse(line).jsonrpc).toBe('2.0');
    expect(
      byId
        .get(2)
        .result.tools.map((tool: { name: string }) => tool.name)
        .sort(),
    ).toEqual(['convert', 'get_alerts', 'get_forecast', 'radar_image', 'slow_report']);
    expect(byId.get(3).result.content[0].text).toBe('Oslo: day 1 14°C, day 2 15°C');
    expect(byId.get(4).result.isError).toBe(true);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const line = (tool: string, reason: string) =>
      metrics
        .split('\n')
        .find(
          (text) =>
            text.startsWith('mcp_server_operation_duration_seconds_count') &&
            text.includes(`gen_ai_tool_name="${tool}"`) &&
            text.includes(`mcp_tool_error_reason="${reason}"`),
        );
    expect(line('get_forecast', '')).toMatch(/network_transport="pipe".* 1$/);
    expect(line('radar_image', 'handler_threw')).toMatch(/ 1$/);
    expect(line('get_forecast', 'invalid_arguments')).toMatch(/ 1$/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    child.stdin.end();
    expect(await exited).toBe(0);
    const logLines = stderr.split('\n').filter((text) => text.startsWith('{'));
    expect(logLines.map((text) => JSON.parse(text)['mcp.method.name']).filter(Boolean)).toContain(
      'tools/call',
    );
    expect(stderr).toContain('[mcpscope] health: stdin closed: draining');
  });
});
