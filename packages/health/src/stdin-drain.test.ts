/**
 * The stdin-EOF drain, in process: an observed server connected over the SDK's real
 * `StdioServerTransport` (on PassThrough streams) makes the plugin watch `process.stdin`; `end` or
 * `close` on it starts the drain. `process.stdin` is never read or closed here: the events are emitted
 * by hand (with `exit: false`), its own listeners are set aside for each test and put back after.
 */
import { PassThrough } from 'node:stream';
import { type Diagnostic, observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { StdioServerTransport as V1StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as V2StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEALTH_DIAGNOSTIC_CODES as CODES, health } from './index.js';
import type { HealthOptions, ShutdownOptions } from './types.js';

const STDIN_EVENTS = ['end', 'close'] as const;
type Listener = (...args: unknown[]) => void;

let setAside: Map<string, Listener[]>;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  setAside = new Map(STDIN_EVENTS.map((event) => [event, process.stdin.listeners(event) as Listener[]]));
  for (const event of STDIN_EVENTS) process.stdin.removeAllListeners(event);
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  for (const event of STDIN_EVENTS) {
    process.stdin.removeAllListeners(event);
    for (const listener of setAside.get(event) ?? []) process.stdin.on(event, listener);
  }
});

/** How many listeners the plugin (or anything else in this test) has on `process.stdin` for `event`. */
const stdinListeners = (event: (typeof STDIN_EVENTS)[number]): number => process.stdin.listenerCount(event);

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  function setup(shutdown: ShutdownOptions = {}, options: HealthOptions = {}) {
    const diagnostics: Diagnostic[] = [];
    const probes = health({ ...options, shutdown: { signals: [], exit: false, ...shutdown } });
    cleanups.push(() => probes.dispose());
    const receive = (diagnostic: Diagnostic) => void diagnostics.push(diagnostic);
    const server = () => observe(createExampleServer({ sdk }), { onDiagnostic: receive }).use(probes);
    /** Connects a new observed server over a real stdio transport on its own streams. */
    const connectStdio = async () => {
      const transport =
        sdk === 'v1'
          ? new V1StdioServerTransport(new PassThrough(), new PassThrough())
          : new V2StdioServerTransport(new PassThrough(), new PassThrough());
      await (server() as { connect(transport: unknown): Promise<void> }).connect(transport);
    };
    return { probes, diagnostics, server, connectStdio };
  }

  it.each(STDIN_EVENTS)(
    'drains when stdin emits %s: readiness says why, without checking anything',
    async (event) => {
      let checked = 0;
      const { probes, diagnostics, connectStdio } = setup(
        {},
        { checks: { 'db:ping': () => void checked++ } },
      );
      await connectStdio();

      // Watching, not yet draining: one listener per event, and the user check still runs.
      expect([stdinListeners('end'), stdinListeners('close')]).toEqual([1, 1]);
      expect(probes.draining).toBe(false);
      expect((await probes.readiness()).checks?.['server:lifecycle']).toEqual([
        { componentType: 'system', observedValue: 'ready', status: 'pass', time: expect.any(String) },
      ]);
      expect(checked).toBe(1);

      process.stdin.emit(event);
      expect(probes.draining).toBe(true);
      const report = await probes.readiness();
      expect(report.status).toBe('fail');
      expect(report.output).toBe('draining');
      expect(report.checks?.['server:lifecycle']).toEqual([
        {
          componentType: 'system',
          observedValue: 'draining',
          status: 'fail',
          time: expect.any(String),
          output: 'shutting down (stdin closed)',
        },
      ]);
      // While draining the user checks are not run, and not reported.
      expect(checked).toBe(1);
      expect(Object.keys(report.checks ?? {})).not.toContain('db:ping');
      await waitFor(
        () => diagnostics.some((diagnostic) => diagnostic.code === CODES.drainFinished),
        'the drain to finish',
      );
      expect(diagnostics[0]).toEqual({
        code: CODES.drainStarted,
        plugin: 'health',
        message:
          'stdin closed: draining (readiness 503; new requests refused now; 0 in flight get up to 15000 ms)',
      });
      expect(await probes.shutdown()).toMatchObject({ trigger: 'stdin', exitCode: 0, timedOut: false });
    },
  );

  it('watches stdin once however many stdio servers connect, and stops watching on dispose', async () => {
    const { probes, connectStdio } = setup();
    expect([stdinListeners('end'), stdinListeners('close')]).toEqual([0, 0]);
    await connectStdio();
    await connectStdio();
    expect([stdinListeners('end'), stdinListeners('close')]).toEqual([1, 1]);
    probes.dispose();
    expect([stdinListeners('end'), stdinListeners('close')]).toEqual([0, 0]);
    process.stdin.emit('end');
    expect(probes.draining).toBe(false);
  });

  it('drains at once when stdin had already ended before the stdio server connected', async () => {
    const { probes, connectStdio } = setup();
    Object.defineProperty(process.stdin, 'readableEnded', { value: true, configurable: true });
    try {
      await connectStdio();
    } finally {
      delete (process.stdin as { readableEnded?: boolean }).readableEnded;
    }
    expect(process.stdin.readableEnded).toBe(false);
    // No listener for an end that already happened: the drain is queued instead.
    expect([stdinListeners('end'), stdinListeners('close')]).toEqual([0, 0]);
    await waitFor(() => probes.draining, 'the drain to start');
    expect((await probes.shutdown()).trigger).toBe('stdin');
  });

  it('does not watch stdin with shutdown.stdin false', async () => {
    const { probes, connectStdio } = setup({ stdin: false });
    await connectStdio();
    expect([stdinListeners('end'), stdinListeners('close')]).toEqual([0, 0]);
    process.stdin.emit('end');
    process.stdin.emit('close');
    expect(probes.draining).toBe(false);
  });

  it('does not watch stdin for a server on another transport', async () => {
    const { probes, server } = setup();
    const client = await connectInMemory(server(), sdk);
    cleanups.push(() => client.close());
    expect((await probes.readiness()).checks?.['transport:connected']?.[0]?.observedValue).toBe(1);
    expect([stdinListeners('end'), stdinListeners('close')]).toEqual([0, 0]);
    process.stdin.emit('end');
    expect(probes.draining).toBe(false);
  });
});
