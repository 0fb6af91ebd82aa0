import { captureStderr, connectInMemory, createExampleServer } from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import {
  clearDiagnostic,
  type Diagnostic,
  type McpscopePlugin,
  observe,
  reportDiagnostic,
  writeDiagnosticToStderr,
} from './index.js';
import { shared } from './shared-state.js';

describe('the diagnostics channel', () => {
  it('reports a code once per plugin instance until it is cleared', () => {
    const received: Diagnostic[] = [];
    const plugin: McpscopePlugin = { name: 'store' };
    observe(createExampleServer({ sdk: 'v1' }), { onDiagnostic: (d) => received.push(d) }).use(plugin);
    for (let index = 0; index < 3; index++) {
      reportDiagnostic(plugin, {
        code: 'MCPSCOPE_TEST_DOWN',
        message: 'store down',
        error: new Error('ECONNREFUSED'),
      });
    }
    reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_OTHER', message: 'other' });
    expect(received.map((d) => `${d.plugin} ${d.code}`)).toEqual([
      'store MCPSCOPE_TEST_DOWN',
      'store MCPSCOPE_TEST_OTHER',
    ]);
    clearDiagnostic(plugin, 'MCPSCOPE_TEST_DOWN');
    reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_DOWN', message: 'store down again' });
    expect(received.at(-1)?.message).toBe('store down again');
    expect(received).toHaveLength(3);
    const another: McpscopePlugin = { name: 'store' };
    observe(createExampleServer({ sdk: 'v1' }), { onDiagnostic: (d) => received.push(d) }).use(another);
    reportDiagnostic(another, { code: 'MCPSCOPE_TEST_DOWN', message: 'a second instance reports its own' });
    expect(received).toHaveLength(4);
  });

  it('writes one line to stderr, never stdout, before a plugin is attached anywhere', () => {
    const stderr = captureStderr();
    const stdoutWrite = process.stdout.write;
    let stdoutWrites = 0;
    process.stdout.write = (() => {
      stdoutWrites++;
      return true;
    }) as typeof process.stdout.write;
    try {
      const plugin: McpscopePlugin = { name: 'lonely' };
      reportDiagnostic(plugin, {
        code: 'MCPSCOPE_TEST_LONELY',
        message: 'nobody listens',
        error: new Error('why'),
      });
      reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_LONELY', message: 'nobody listens' });
    } finally {
      stderr.restore();
      process.stdout.write = stdoutWrite;
    }
    expect(stdoutWrites).toBe(0);
    expect(stderr.lines()).toEqual(['[mcpscope] lonely: nobody listens: why (MCPSCOPE_TEST_LONELY)']);
  });

  it('survives a receiver that throws', () => {
    const plugin: McpscopePlugin = { name: 'p' };
    observe(createExampleServer({ sdk: 'v2' }), {
      onDiagnostic: () => {
        throw new Error('receiver broke');
      },
    }).use(plugin);
    expect(() => reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_X', message: 'x' })).not.toThrow();
  });

  it('formats hooks and errors on the default line', () => {
    const stderr = captureStderr();
    try {
      writeDiagnosticToStderr({
        code: 'MCPSCOPE_PLUGIN_FAILED',
        plugin: 'metrics',
        hook: 'onRequestEnd',
        message: 'failed',
        error: 'boom',
      });
    } finally {
      stderr.restore();
    }
    expect(stderr.lines()).toEqual([
      '[mcpscope] metrics in onRequestEnd: failed: boom (MCPSCOPE_PLUGIN_FAILED)',
    ]);
  });
});

describe('receivers of endpoints that come and go', () => {
  it('forgets the receivers of closed endpoints, and sends each diagnostic to each distinct receiver once', async () => {
    const plugin: McpscopePlugin = { name: 'shared' };
    const got: string[] = [];
    const servers = Array.from({ length: 5 }, (_, index) =>
      observe(createExampleServer({ sdk: 'v1' }), { onDiagnostic: () => got.push(`session ${index}`) }).use(
        plugin,
      ),
    );
    const shared = (d: Diagnostic) => got.push(`shared ${d.code}`);
    observe(createExampleServer({ sdk: 'v1' }), { onDiagnostic: shared }).use(plugin);
    observe(createExampleServer({ sdk: 'v1' }), { onDiagnostic: shared }).use(plugin);
    for (const server of servers.slice(0, 4)) await server.close();
    reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_ROUTED', message: 'x' });
    expect(got.sort()).toEqual(['session 4', 'shared MCPSCOPE_TEST_ROUTED']);
  });

  it('sends diagnostics reported after every endpoint closed to the receiver of the one attached last, not stderr', async () => {
    const plugin: McpscopePlugin = { name: 'draining' };
    const got: string[] = [];
    const early = observe(createExampleServer({ sdk: 'v2' }), { onDiagnostic: () => got.push('early') }).use(
      plugin,
    );
    const last = observe(createExampleServer({ sdk: 'v2' }), {
      onDiagnostic: (d) => got.push(`last ${d.code}`),
    }).use(plugin);
    await early.close();
    await last.close();
    const stderr = captureStderr();
    try {
      reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_AFTER_CLOSE', message: 'drained' });
    } finally {
      stderr.restore();
    }
    expect(got).toEqual(['last MCPSCOPE_TEST_AFTER_CLOSE']);
    expect(stderr.lines()).toEqual([]);
  });

  it('holds the receivers of connected sessions only: a client that left takes its server off the list, a reconnect puts it back', async () => {
    const plugin: McpscopePlugin = { name: 'per-session' };
    const sessions = [];
    for (let index = 0; index < 50; index++) {
      const server = observe(createExampleServer({ sdk: 'v2' }), { onDiagnostic: () => undefined }).use(
        plugin,
      );
      const client = await connectInMemory(server, 'v2');
      await client.close();
      sessions.push(server);
    }
    const got: string[] = [];
    const reused = observe(createExampleServer({ sdk: 'v2' }), {
      onDiagnostic: (d) => got.push(`reused ${d.code}`),
    }).use(plugin);
    // Fifty servers still reachable here (held by `sessions`), none with a client: only the new one is listed.
    expect(shared.receivers.get(plugin)?.length).toBe(1);
    const first = await connectInMemory(reused, 'v2');
    await first.close();
    observe(createExampleServer({ sdk: 'v2' }), { onDiagnostic: (d) => got.push(`other ${d.code}`) }).use(
      plugin,
    );
    reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_LEFT', message: 'after the client left' });
    const second = await connectInMemory(reused, 'v2');
    reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_BACK', message: 'connected again' });
    await second.close();
    expect(got).toEqual([
      'other MCPSCOPE_TEST_LEFT',
      'reused MCPSCOPE_TEST_BACK',
      'other MCPSCOPE_TEST_BACK',
    ]);
    expect(sessions).toHaveLength(50);
  });
});
