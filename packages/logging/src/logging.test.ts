import { observe, REFUSAL_ERROR_CODES } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  PROMPT_FAILURE_MESSAGE,
  SDK_VERSIONS,
  TOOL_FAILURE_MESSAGE,
  waitFor,
} from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, LEVEL, type LogLine, type Started, startLogged } from '../test/harness.js';
import { logging } from './index.js';

const running: Started[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.client.close();
});

async function start(...args: Parameters<typeof startLogged>): Promise<Started> {
  const started = await startLogged(...args);
  running.push(started);
  return started;
}

async function oneLine(started: Started, method: string): Promise<LogLine> {
  await waitFor(() => started.captured.requestLines(method).length === 1, `one ${method} line`);
  return started.captured.requestLines(method)[0]!;
}

const PROCESS_KEYS = ['hostname', 'level', 'msg', 'pid', 'time'];
const SESSION_KEYS = ['mcp.client.name', 'mcp.client.version', 'mcp.protocol.version', 'mcp.transport'];

describe.each(SDK_VERSIONS)('request lines, SDK %s', (sdk) => {
  it('success: one info line with the request, session and outcome fields', async () => {
    const started = await start(sdk);
    await started.client.callTool('echo', { text: 'hello' });
    const line = await oneLine(started, 'tools/call');
    expect(Object.keys(line).sort()).toEqual(
      [
        ...PROCESS_KEYS,
        ...SESSION_KEYS,
        'mcp.method.name',
        'gen_ai.tool.name',
        'jsonrpc.request.id',
        'mcp.request.outcome',
        'duration_ms',
      ].sort(),
    );
    expect(line).toMatchObject({
      level: LEVEL.info,
      msg: 'tools/call echo ok',
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'jsonrpc.request.id': '1',
      'mcp.client.name': 'test-client',
      'mcp.client.version': '1.2.3',
      'mcp.transport': 'in-memory',
      'mcp.request.outcome': 'ok',
    });
    expect(line['mcp.protocol.version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(line.duration_ms).toBeTypeOf('number');
    expect(line.duration_ms as number).toBeGreaterThanOrEqual(0);
    const initialize = await oneLine(started, 'initialize');
    expect(initialize).toMatchObject({
      level: LEVEL.info,
      msg: 'initialize ok',
      'jsonrpc.request.id': '0',
      'mcp.client.name': 'test-client',
      'mcp.protocol.version': line['mcp.protocol.version'],
    });
  });

  it('tool_error (an isError result): warn with error.type and the reason', async () => {
    const started = await start(sdk);
    await started.client.callTool('soft_fail');
    const line = await oneLine(started, 'tools/call');
    expect(line).toMatchObject({
      level: LEVEL.warn,
      msg: 'tools/call soft_fail tool_error',
      'mcp.request.outcome': 'tool_error',
      'error.type': 'tool_error',
      'mcp.error.side': 'tool',
      'mcp.tool.error_reason': 'handler_returned_error',
    });
    expect(line).not.toHaveProperty('err');
    expect(line).not.toHaveProperty('rpc.response.status_code');
  });

  it('-32602 (invalid prompt arguments): a client mistake, logged at warn', async () => {
    const started = await start(sdk);
    await expect(started.client.getPrompt('greet', {})).rejects.toThrow();
    const line = await oneLine(started, 'prompts/get');
    expect(line).toMatchObject({
      level: LEVEL.warn,
      msg: 'prompts/get greet error -32602',
      'gen_ai.prompt.name': 'greet',
      'mcp.request.outcome': 'error',
      'error.type': '-32602',
      'mcp.error.side': 'client',
      'rpc.response.status_code': '-32602',
    });
    expect(line['error.message']).toContain('Invalid arguments for prompt greet');
    expect(line).not.toHaveProperty('err');
  });

  it('-32601 (unknown method): warn', async () => {
    const started = await start(sdk);
    await expect(started.client.request('nope/nothing', {})).rejects.toThrow();
    const line = await oneLine(started, 'nope/nothing');
    expect(line).toMatchObject({
      level: LEVEL.warn,
      'error.type': '-32601',
      'mcp.error.side': 'client',
      msg: 'nope/nothing error -32601',
    });
  });

  it('a tool that throws: error level, err serialized with its stack', async () => {
    const started = await start(sdk);
    await started.client.callTool('fail');
    const line = await oneLine(started, 'tools/call');
    expect(line).toMatchObject({
      level: LEVEL.error,
      msg: 'tools/call fail tool_error',
      'error.type': 'tool_error',
      'mcp.error.side': 'server',
      'mcp.tool.error_reason': 'handler_threw',
      err: { type: 'Error', message: TOOL_FAILURE_MESSAGE },
    });
    const err = line.err as { stack: string };
    expect(err.stack.split('\n')[0]).toBe(`Error: ${TOOL_FAILURE_MESSAGE}`);
    expect(err.stack).toMatch(/example-server\.ts:\d+/);
  });

  it('a prompt that throws: -32603 at error, with err', async () => {
    const started = await start(sdk);
    await expect(started.client.getPrompt('broken')).rejects.toThrow();
    const line = await oneLine(started, 'prompts/get');
    expect(line).toMatchObject({
      level: LEVEL.error,
      'error.type': '-32603',
      'mcp.error.side': 'server',
      'rpc.response.status_code': '-32603',
      err: { type: 'Error', message: PROMPT_FAILURE_MESSAGE },
    });
    expect((line.err as { stack: string }).stack).toContain(PROMPT_FAILURE_MESSAGE);
  });

  it('a cancelled request: info, outcome cancelled', async () => {
    const started = await start(sdk, { logRequestStart: true });
    const controller = new AbortController();
    const call = started.client.callTool('slow', { ms: 10_000 }, { signal: controller.signal });
    await waitFor(
      () => started.captured.lines.some((line) => line.msg === 'tools/call slow started'),
      'the call to start',
    );
    controller.abort();
    await expect(call).rejects.toThrow();
    const line = await oneLine(started, 'tools/call');
    expect(line).toMatchObject({
      level: LEVEL.info,
      msg: 'tools/call slow cancelled',
      'mcp.request.outcome': 'cancelled',
    });
  });

  it('a request cut short by the transport closing: warn, outcome closed', async () => {
    const started = await start(sdk, { logRequestStart: true });
    const call = started.client.callTool('slow', { ms: 10_000 }).catch(() => undefined);
    await waitFor(
      () => started.captured.lines.some((line) => line.msg === 'tools/call slow started'),
      'the call to start',
    );
    await started.client.close();
    await call;
    const line = await oneLine(started, 'tools/call');
    expect(line).toMatchObject({
      level: LEVEL.warn,
      msg: 'tools/call slow closed',
      'mcp.request.outcome': 'closed',
    });
  });

  it('a request slower than the threshold: warn, marked slow', async () => {
    const started = await start(sdk, { slowRequestMs: 20 });
    await started.client.callTool('slow', { ms: 60 });
    const line = await oneLine(started, 'tools/call');
    expect(line).toMatchObject({
      level: LEVEL.warn,
      msg: 'tools/call slow ok (slow)',
      'mcp.request.outcome': 'ok',
      'mcp.request.slow': true,
    });
    expect(line.duration_ms as number).toBeGreaterThanOrEqual(55);
  });

  it('an optional debug line at request start', async () => {
    const started = await start(sdk, { logRequestStart: true });
    await started.client.callTool('echo', { text: 'hello' });
    await oneLine(started, 'tools/call');
    const startLines = started.captured.lines.filter((line) => line.level === LEVEL.debug);
    expect(startLines.map((line) => line.msg)).toEqual(['initialize started', 'tools/call echo started']);
    expect(startLines[1]).toMatchObject({ 'jsonrpc.request.id': '1', 'gen_ai.tool.name': 'echo' });
    expect(startLines[1]).not.toHaveProperty('mcp.request.outcome');
    expect(startLines[1]).not.toHaveProperty('duration_ms');
  });

  it('no start line by default', async () => {
    const started = await start(sdk);
    await started.client.callTool('echo', { text: 'hello' });
    await oneLine(started, 'tools/call');
    expect(started.captured.lines.filter((line) => line.level === LEVEL.debug)).toEqual([]);
  });

  it('session start and end lines', async () => {
    const started = await start(sdk);
    await started.client.callTool('echo', { text: 'hello' });
    await started.client.close();
    await waitFor(() => started.captured.lines.some((line) => line.msg === 'session ended'), 'session end');
    const sessionLines = started.captured.lines.filter((line) => line.msg.startsWith('session'));
    expect(sessionLines.map((line) => line.msg)).toEqual(['session started', 'session ended']);
    const [opened, closed] = sessionLines as [LogLine, LogLine];
    expect(Object.keys(opened).sort()).toEqual([...PROCESS_KEYS, ...SESSION_KEYS].sort());
    expect(opened).toMatchObject({ level: LEVEL.info, 'mcp.client.name': 'test-client' });
    expect(Object.keys(closed).sort()).toEqual([...PROCESS_KEYS, ...SESSION_KEYS, 'duration_ms'].sort());
    expect(closed.duration_ms as number).toBeGreaterThan(0);
  });

  it('no session lines with logSessions: false', async () => {
    const started = await start(sdk, { logSessions: false });
    await started.client.callTool('echo', { text: 'hello' });
    await started.client.close();
    await oneLine(started, 'tools/call');
    expect(started.captured.lines.filter((line) => line.msg.startsWith('session'))).toEqual([]);
  });

  it.each([
    ['rate-limit', 'rate_limited', 'client', REFUSAL_ERROR_CODES.rateLimited, 'client'],
    ['health', 'draining', undefined, REFUSAL_ERROR_CODES.draining, 'server'],
    ['health', 'overloaded', undefined, REFUSAL_ERROR_CODES.overloaded, 'server'],
  ] as const)(
    'refused by %s (%s): warn whatever the side, with who refused it and why',
    async (by, reason, scope, code, side) => {
      const captured = captureLogger();
      const server = observe(createExampleServer({ sdk })).use(logging({ logger: captured.logger }), {
        name: by,
        aroundRequest(request, dispatch) {
          if (request.target !== 'echo') return dispatch();
          request.refuse({ code, message: 'Not now' }, { reason, ...(scope === undefined ? {} : { scope }) });
        },
      });
      const client = await connectInMemory(server, sdk);
      await expect(client.callTool('echo', { text: 'hello' })).rejects.toThrow(/Not now/);
      await waitFor(() => captured.requestLines('tools/call').length === 1, 'the refused line');
      const line = captured.requestLines('tools/call')[0]!;
      expect(line).toMatchObject({
        level: LEVEL.warn,
        msg: `tools/call echo refused by ${by} (${reason})`,
        'mcp.request.outcome': 'error',
        'error.type': String(code),
        'mcp.error.side': side,
        'error.message': 'Not now',
        'mcp.refusal.plugin': by,
        'mcp.refusal.reason': reason,
      });
      expect(line['mcp.refusal.scope']).toBe(scope);
      expect(line).not.toHaveProperty('err');
      await client.close();
    },
  );

  it('lines below the logger level are not written', async () => {
    const captured = captureLogger('warn');
    const server = observe(createExampleServer({ sdk })).use(logging({ logger: captured.logger }));
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'hello' });
    await client.callTool('soft_fail');
    await waitFor(() => captured.lines.length === 1, 'the warn line');
    await client.close();
    expect(captured.lines.map((line) => line.msg)).toEqual(['tools/call soft_fail tool_error']);
  });

  it('a level change on the base logger applies to connections already open', async () => {
    const captured = captureLogger('info');
    const server = observe(createExampleServer({ sdk })).use(
      logging({ logger: captured.logger, logRequestStart: true }),
    );
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'hello' });
    captured.logger.level = 'debug';
    await client.callTool('echo', { text: 'hello' });
    await waitFor(() => captured.requestLines('tools/call').length === 2, 'two request lines');
    await client.close();
    expect(captured.lines.filter((line) => line.level === LEVEL.debug).map((line) => line.msg)).toEqual([
      'tools/call echo started',
    ]);
  });

  it('ignored requests get no line', async () => {
    const started = await start(sdk, { ignore: (request) => request.method === 'ping' });
    await started.client.request('ping');
    await started.client.callTool('echo', { text: 'hello' });
    await oneLine(started, 'tools/call');
    expect(started.captured.requestLines().map((line) => line['mcp.method.name'])).toEqual([
      'initialize',
      'tools/call',
    ]);
  });
});
