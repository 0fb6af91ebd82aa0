import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SDK_VERSIONS, TOOL_FAILURE_MESSAGE, waitFor } from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { LEVEL } from '../test/harness.js';

const SERVER_SCRIPT = fileURLToPath(new URL('../test/stdio-server.ts', import.meta.url));

interface Run {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/** Talks raw JSON-RPC to the child over stdin, keeps every byte of its stdout and stderr. */
async function runStdioServer(sdk: string, logLevel: string, level?: string): Promise<Run> {
  const args = ['--import', 'tsx', SERVER_SCRIPT, sdk, ...(level === undefined ? [] : [level])];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: logLevel },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdoutChunks: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const send = (message: object) => child.stdin!.write(`${JSON.stringify(message)}\n`);
  const responses = () => Buffer.concat(stdoutChunks).toString('utf8').split('\n').filter(Boolean).length;

  try {
    await converse(send, responses);
  } catch (error) {
    child.kill();
    throw error;
  }
  child.stdin!.end();
  const exitCode = await exited;
  return { stdout: Buffer.concat(stdoutChunks), stderr, exitCode };
}

async function converse(send: (message: object) => void, responses: () => number): Promise<void> {
  send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw-client', version: '0.0.1' },
    },
  });
  await waitFor(() => responses() === 1, 'the initialize response', 20_000);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'note', arguments: { text: 'hello' } },
  });
  send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'fail', arguments: {} } });
  await waitFor(() => responses() === 3, 'three responses', 20_000);
}

function parseLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.each(SDK_VERSIONS)('a stdio server with logging, SDK %s', (sdk) => {
  it('stdout holds only JSON-RPC; the log lines are on stderr (LOG_LEVEL=debug)', async () => {
    const run = await runStdioServer(sdk, 'debug');
    expect(run.exitCode).toBe(0);

    const stdout = run.stdout.toString('utf8');
    expect(stdout.endsWith('\n')).toBe(true);
    const messages = parseLines(stdout);
    const byId = messages.map((message) => [message.jsonrpc, message.id]);
    expect(byId.sort((left, right) => Number(left[1]) - Number(right[1]))).toEqual([
      ['2.0', 1],
      ['2.0', 2],
      ['2.0', 3],
    ]);
    expect(messages.every((message) => 'result' in message || 'error' in message)).toBe(true);

    // Every stderr line is a pino JSON line.
    const lines = parseLines(run.stderr);
    const messagesLogged = lines.map((line) => line.msg as string);
    // Calls 2 and 3 run concurrently: their lines may interleave.
    expect([...messagesLogged].sort()).toEqual(
      [
        'initialize started',
        'session started',
        'initialize ok',
        'tools/call note started',
        'noting',
        'tools/call note ok',
        'tools/call fail started',
        'tools/call fail tool_error',
        'session ended',
      ].sort(),
    );
    expect(messagesLogged.slice(0, 3)).toEqual(['initialize started', 'session started', 'initialize ok']);
    expect(messagesLogged.at(-1)).toBe('session ended');
    const byMessage = new Map(lines.map((line) => [line.msg, line]));
    expect(byMessage.get('tools/call note ok')).toMatchObject({
      level: LEVEL.info,
      'jsonrpc.request.id': '2',
      'mcp.transport': 'stdio',
      'network.transport': 'pipe',
      'mcp.client.name': 'raw-client',
      'mcp.client.version': '0.0.1',
    });
    expect(byMessage.get('noting')).toMatchObject({
      level: LEVEL.info,
      'jsonrpc.request.id': '2',
      length: 5,
    });
    expect(byMessage.get('tools/call fail tool_error')).toMatchObject({
      level: LEVEL.error,
      err: { type: 'Error', message: TOOL_FAILURE_MESSAGE },
    });
    expect(byMessage.get('session ended')).toMatchObject({ 'mcp.transport': 'stdio' });
    expect(byMessage.get('tools/call note started')).toMatchObject({ level: LEVEL.debug });
  });

  it('respects LOG_LEVEL (error: only the failing call is logged)', async () => {
    const run = await runStdioServer(sdk, 'error');
    expect(run.exitCode).toBe(0);
    expect(parseLines(run.stdout.toString('utf8'))).toHaveLength(3);
    expect(parseLines(run.stderr).map((line) => [line.level, line.msg])).toEqual([
      [LEVEL.error, 'tools/call fail tool_error'],
    ]);
  });

  it('the level option wins over LOG_LEVEL (level: error with LOG_LEVEL=debug)', async () => {
    const run = await runStdioServer(sdk, 'debug', 'error');
    expect(run.exitCode).toBe(0);
    expect(parseLines(run.stdout.toString('utf8'))).toHaveLength(3);
    expect(parseLines(run.stderr).map((line) => [line.level, line.msg])).toEqual([
      [LEVEL.error, 'tools/call fail tool_error'],
    ]);
  });
});
