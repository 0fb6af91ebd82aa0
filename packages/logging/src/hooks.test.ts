/**
 * The per-request hooks with real pino output: `customProps` on the request's line and on `getLogger()`
 * inside its handler (computed once), `customLogLevel` (a level, the default, `silent`, an unknown level
 * reported and ignored), and hooks that throw: reported once, the line written as if they returned nothing.
 */
import { type Diagnostic, observe, type RequestFacts } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  waitFor,
} from '@mcpscope/test-kit';
import pino, { type Logger } from 'pino';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { addTool, type CapturedLogger, captureLogger, LEVEL, type LogLine, text } from '../test/harness.js';
import { getLogger, LOGGING_DIAGNOSTIC_CODES, type LoggingOptions, logging } from './index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

interface Logged {
  readonly captured: CapturedLogger;
  readonly diagnostics: Diagnostic[];
  /** tools/call `echo` with `_meta.tenant`, answered as the client received it. */
  call(tenant: string, text?: string): Promise<unknown>;
}

const tenantOf = (request: RequestFacts) => request.meta?.tenant as string | undefined;

async function startWith(
  sdk: SdkVersion,
  options: Omit<LoggingOptions<string>, 'logger'>,
  captured = captureLogger(),
): Promise<Logged> {
  const diagnostics: Diagnostic[] = [];
  const server = createExampleServer({ sdk });
  addTool(server, sdk, 'whoami', {}, async () => {
    getLogger().info('inside');
    return text('ok');
  });
  const observed = observe(server, { onDiagnostic: (diagnostic) => diagnostics.push(diagnostic) }).use(
    logging<string>({
      slowRequestMs: Number.POSITIVE_INFINITY,
      ...options,
      logger: captured.logger as unknown as Logger<string>,
    }),
  );
  const client = await connectInMemory(observed, sdk);
  closers.push(() => client.close());
  return {
    captured,
    diagnostics,
    call: (tenant, value = 'hello') =>
      client.request('tools/call', { name: 'echo', arguments: { text: value }, _meta: { tenant } }),
  };
}

function toolLines(captured: CapturedLogger): LogLine[] {
  return captured.requestLines('tools/call');
}

describe.each(SDK_VERSIONS)('customProps, SDK %s', (sdk) => {
  it('lands on the request line and on getLogger() inside the handler, computed once per request', async () => {
    const seen: (string | undefined)[] = [];
    const logged = await startWith(sdk, {
      logRequestStart: true,
      customProps: (request) => {
        seen.push(request.outcome);
        return { tenant: tenantOf(request), 'mcp.method.name': 'forged', level: 99 };
      },
    });
    await logged.call('acme');
    await waitFor(() => toolLines(logged.captured).length === 1, 'the request line');
    // Once per request (initialize and the call), before the request had an outcome.
    expect(seen).toEqual([undefined, undefined]);
    const [line] = toolLines(logged.captured);
    expect(line).toMatchObject({ tenant: 'acme', 'mcp.method.name': 'tools/call', level: LEVEL.info });
    const start = logged.captured.lines.find((entry) => entry.msg === 'tools/call echo started');
    expect(start).toMatchObject({ tenant: 'acme', level: LEVEL.debug });
    // mcpscope's own keys are not overwritten, nor written twice.
    const rawLines = logged.captured.text().split('\n');
    const raw = rawLines.find((entry) => entry.includes('"tools/call echo ok"'))!;
    expect(raw.match(/"mcp\.method\.name"/g)).toHaveLength(1);
    expect(raw.match(/"level"/g)).toHaveLength(1);
  });

  it('is in the bindings of getLogger() inside the handler', async () => {
    const bindings: unknown[] = [];
    const captured = captureLogger();
    const server = createExampleServer({ sdk });
    addTool(server, sdk, 'whoami', {}, async () => {
      bindings.push(getLogger().bindings());
      getLogger().info('inside');
      return text('ok');
    });
    const tenantClient = await connectInMemory(
      observe(server).use(
        logging({ logger: captured.logger, customProps: (request) => ({ tenant: tenantOf(request) }) }),
      ),
      sdk,
    );
    closers.push(() => tenantClient.close());
    await tenantClient.request('tools/call', { name: 'whoami', arguments: {}, _meta: { tenant: 'acme' } });
    expect(bindings).toEqual([expect.objectContaining({ tenant: 'acme', 'jsonrpc.request.id': '1' })]);
    await waitFor(() => captured.requestLines('tools/call').length === 1, 'the request line');
    expect(captured.lines.find((line) => line.msg === 'inside')).toMatchObject({ tenant: 'acme' });
    expect(captured.requestLines('tools/call')[0]).toMatchObject({ tenant: 'acme' });
  });

  it('that throws: reported once, the lines written without it, every answer unchanged', async () => {
    const logged = await startWith(sdk, {
      customProps: () => {
        throw new Error('no tenant table');
      },
    });
    for (const tenant of ['a', 'b', 'c']) {
      expect(await logged.call(tenant, tenant.repeat(4))).toEqual({
        content: [{ type: 'text', text: tenant.repeat(4) }],
      });
    }
    await waitFor(() => toolLines(logged.captured).length === 3, 'three request lines');
    expect(toolLines(logged.captured).map((line) => [line.msg, line.level, 'tenant' in line])).toEqual([
      ['tools/call echo ok', LEVEL.info, false],
      ['tools/call echo ok', LEVEL.info, false],
      ['tools/call echo ok', LEVEL.info, false],
    ]);
    expect(logged.diagnostics.map(({ code, hook, plugin }) => ({ code, hook, plugin }))).toEqual([
      { code: LOGGING_DIAGNOSTIC_CODES.hookFailed, hook: 'customProps', plugin: 'logging' },
    ]);
    expect((logged.diagnostics[0]!.error as Error).message).toBe('no tenant table');
  });

  it('that returns something other than an object: reported once as invalid, ignored', async () => {
    const logged = await startWith(sdk, { customProps: () => 'acme' as never });
    await logged.call('a');
    await logged.call('b');
    await waitFor(() => toolLines(logged.captured).length === 2, 'two request lines');
    expect(toolLines(logged.captured).every((line) => !('0' in line))).toBe(true);
    expect(logged.diagnostics.map(({ code, hook }) => ({ code, hook }))).toEqual([
      { code: LOGGING_DIAGNOSTIC_CODES.hookInvalid, hook: 'customProps' },
    ]);
  });
});

describe.each(SDK_VERSIONS)('customLogLevel, SDK %s', (sdk) => {
  it('a level, undefined for the default, silent for no line', async () => {
    const logged = await startWith(sdk, {
      customLogLevel: (request) => {
        const tenant = tenantOf(request);
        if (tenant === 'vip') return 'error';
        if (tenant === 'bots') return 'silent';
        if (tenant === 'debug') return 'debug';
        return undefined;
      },
    });
    for (const tenant of ['vip', 'bots', 'plain', 'debug']) await logged.call(tenant, tenant.padEnd(4, '_'));
    await waitFor(() => toolLines(logged.captured).length === 3, 'three request lines');
    expect(toolLines(logged.captured).map((line) => line.level)).toEqual([
      LEVEL.error,
      LEVEL.info,
      LEVEL.debug,
    ]);
    expect(logged.diagnostics).toEqual([]);
  });

  it("a custom level of the user's logger is honoured (and typed)", async () => {
    const lines: LogLine[] = [];
    const logger = pino(
      { level: 'info', customLevels: { audit: 35 } },
      { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
    );
    const plugin = logging({ logger, customLogLevel: () => 'audit' });
    expectTypeOf(plugin.logger).toEqualTypeOf<typeof logger>();
    const client = await connectInMemory(observe(createExampleServer({ sdk })).use(plugin), sdk);
    closers.push(() => client.close());
    await client.callTool('echo', { text: 'hello' });
    await waitFor(() => lines.some((line) => line.msg === 'tools/call echo ok'), 'the request line');
    expect(lines.find((line) => line.msg === 'tools/call echo ok')!.level).toBe(35);
  });

  it('an unknown level: reported once as invalid, the default level used', async () => {
    const logged = await startWith(sdk, { customLogLevel: () => 'loud' });
    await logged.call('a');
    await logged.call('b');
    await waitFor(() => toolLines(logged.captured).length === 2, 'two request lines');
    expect(toolLines(logged.captured).map((line) => line.level)).toEqual([LEVEL.info, LEVEL.info]);
    expect(logged.diagnostics.map(({ code, hook, message }) => ({ code, hook, message }))).toEqual([
      {
        code: LOGGING_DIAGNOSTIC_CODES.hookInvalid,
        hook: 'customLogLevel',
        message: 'customLogLevel returned "loud", not a level of the logger: the default level was used',
      },
    ]);
  });

  it('that throws: reported once, the default level used, every answer unchanged', async () => {
    const logged = await startWith(sdk, {
      customLogLevel: () => {
        throw new Error('level table gone');
      },
    });
    for (const tenant of ['a', 'b', 'c']) {
      expect(await logged.call(tenant, 'word')).toEqual({ content: [{ type: 'text', text: 'word' }] });
    }
    await waitFor(() => toolLines(logged.captured).length === 3, 'three request lines');
    expect(toolLines(logged.captured).map((line) => line.level)).toEqual([
      LEVEL.info,
      LEVEL.info,
      LEVEL.info,
    ]);
    expect(logged.diagnostics.map(({ code, hook }) => ({ code, hook }))).toEqual([
      { code: LOGGING_DIAGNOSTIC_CODES.hookFailed, hook: 'customLogLevel' },
    ]);
  });
});

describe.each(SDK_VERSIONS)('ignore, SDK %s', (sdk) => {
  it('that throws: reported once, every line written', async () => {
    const logged = await startWith(sdk, {
      ignore: () => {
        throw new Error('filter broke');
      },
    });
    await logged.call('a');
    await logged.call('b');
    await waitFor(() => toolLines(logged.captured).length === 2, 'two request lines');
    expect(logged.diagnostics.map(({ code, hook }) => ({ code, hook }))).toEqual([
      { code: LOGGING_DIAGNOSTIC_CODES.hookFailed, hook: 'ignore' },
    ]);
  });
});
