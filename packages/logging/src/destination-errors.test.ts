import { EventEmitter } from 'node:events';
import { type Diagnostic, observe } from '@mcpscope/core';
import { captureStderr, connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import pino, { type DestinationStream } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closedPipe } from '../test/closed-pipe.js';
import { watchDestinations } from './destination-errors.js';
import { LOGGING_DIAGNOSTIC_CODES, logging } from './index.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
  vi.restoreAllMocks();
});

/** Lines this process writes to stderr meanwhile (`[mcpscope]` reports included). */
function captureReports(): () => string[] {
  const capture = captureStderr();
  cleanups.push(capture.restore);
  return capture.lines;
}

type Destination =
  | 'a Node stream'
  | 'pino.destination (sync)'
  | 'pino.destination (async)'
  | 'pino.multistream';

async function brokenDestination(kind: Destination): Promise<DestinationStream> {
  const pipe = await closedPipe();
  cleanups.push(() => pipe.close());
  switch (kind) {
    case 'a Node stream':
      return pipe.stream;
    case 'pino.destination (sync)':
      return pino.destination({ dest: pipe.fd, sync: true });
    case 'pino.destination (async)':
      return pino.destination({ dest: pipe.fd, sync: false });
    case 'pino.multistream':
      return pino.multistream([{ stream: { write: () => undefined } }, { stream: pipe.stream }]);
  }
}

describe.each(SDK_VERSIONS)('a log destination whose reader is gone (EPIPE), SDK %s', (sdk) => {
  it.each<Destination>([
    'a Node stream',
    'pino.destination (sync)',
    'pino.destination (async)',
    'pino.multistream',
  ])(
    'through %s: every call is answered, the failure is reported once as a diagnostic, nothing on stderr',
    async (kind) => {
      const stderr = captureReports();
      const diagnostics: Diagnostic[] = [];
      const destination = await brokenDestination(kind);
      const server = observe(createExampleServer({ sdk }), {
        onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
      }).use(logging({ logger: pino({}, destination) }));
      const client = await connectInMemory(server, sdk);
      for (let call = 0; call < 20; call++) {
        const result = await client.callTool('echo', { text: `call ${call}` });
        expect(result.content).toEqual([{ type: 'text', text: `call ${call}` }]);
      }
      // The failure surfaces asynchronously: wait for the one report, then let more writes fail.
      await vi.waitFor(() => expect(diagnostics).toHaveLength(1), { timeout: 5_000 });
      for (let call = 0; call < 20; call++) await client.callTool('echo', { text: 'more' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({
        code: LOGGING_DIAGNOSTIC_CODES.destinationFailed,
        plugin: 'logging',
        error: { code: 'EPIPE' },
      });
      await client.close();
      // Closing flushes the logger: it must not wait on the dead destination (core would report a
      // close that did not finish within its time limit).
      await server.close();
      expect(diagnostics).toHaveLength(1);
      expect(stderr()).toEqual([]);
    },
  );
});

describe('watching destinations', () => {
  it('listens once per destination however many plugins share the logger', () => {
    const destination = Object.assign(new EventEmitter(), { write: () => true });
    const logger = pino({}, destination);
    const reported: unknown[] = [];
    watchDestinations(logger, (error) => reported.push(error));
    watchDestinations(logger, (error) => reported.push(error));
    expect(destination.listenerCount('error')).toBe(1);
    destination.emit('error', new Error('disk full'));
    destination.emit('error', new Error('disk still full'));
    expect(reported).toHaveLength(1);
  });

  it('does not report a failing stderr to stderr', () => {
    const destination = Object.assign(new EventEmitter(), { write: () => true, fd: 2 });
    const reported: unknown[] = [];
    watchDestinations(pino({}, destination), (error) => reported.push(error));
    destination.emit('error', new Error('EPIPE'));
    expect(reported).toEqual([]);
  });

  it('leaves destinations that are not event emitters alone', () => {
    const reported: unknown[] = [];
    expect(() =>
      watchDestinations(pino({ write: () => undefined }), (error) => reported.push(error)),
    ).not.toThrow();
  });
});
