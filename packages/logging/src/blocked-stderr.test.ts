/**
 * A stdio server whose stderr nobody reads (an MCP host that pipes it and never drains it): with the
 * plugin's default logger, every request is still answered (no write blocks the event loop), and once
 * the reader catches up, every line arrives.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@mcpscope/test-kit';
import { expect, it } from 'vitest';

const SERVER_SCRIPT = fileURLToPath(new URL('../test/stdio-server.ts', import.meta.url));
/** About 1.3 KB of log lines per call: far more than a pipe and the reader's stream buffer hold. */
const CALLS = 1_500;

it(`${CALLS} calls answered while stderr is not read; every line arrives once it is`, async () => {
  // The SDK's StdioServerTransport waits for 'drain' once per answer that stdout could not take at once:
  // Node's listener warning about that is the bare server's too, and is not a log line.
  const nodeFlags = ['--disable-warning=MaxListenersExceededWarning', '--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeFlags, SERVER_SCRIPT, 'v1'], {
    env: { ...process.env, LOG_LEVEL: 'debug' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const answered = () => stdout.split('\n').filter((line) => line.includes('"result"')).length;
    // stderr is left paused: Node stops reading once its stream buffer is full, and the pipe fills.
    child.stderr.pause();
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await waitFor(() => answered() === 1, 'the initialize answer', 20_000);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    for (let id = 1; id <= CALLS; id++) {
      send({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'note', arguments: { text: `n${id}` } },
      });
    }
    await waitFor(() => answered() === CALLS + 1, `${CALLS} answers with stderr unread`, 60_000);

    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stderr.resume();
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stderr
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines.filter((line) => line.msg === 'tools/call note ok')).toHaveLength(CALLS);
    expect(lines.filter((line) => line.msg === 'noting')).toHaveLength(CALLS);
  } finally {
    child.kill();
  }
}, 120_000);
