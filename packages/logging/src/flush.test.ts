import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import pino, { type DestinationStream } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { logging } from './index.js';

const REQUESTS = 200;
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

type DestinationKind = 'async file' | 'async buffered file' | 'transport';

function destinationFor(kind: DestinationKind, file: string): DestinationStream {
  if (kind === 'transport') return pino.transport({ target: 'pino/file', options: { destination: file } });
  return pino.destination({ dest: file, sync: false, minLength: kind === 'async file' ? 0 : 4096 });
}

function readLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.each(SDK_VERSIONS)('closing the server flushes the destination, SDK %s', (sdk) => {
  it.each<DestinationKind>(['async file', 'async buffered file', 'transport'])(
    `${REQUESTS} requests then close: exactly ${REQUESTS} request lines reach the destination (%s)`,
    async (kind) => {
      const directory = mkdtempSync(join(tmpdir(), 'mcpscope-logging-'));
      cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
      const file = join(directory, 'server.log');
      const destination = destinationFor(kind, file);
      cleanups.push(() => (destination as unknown as { end(): void }).end());
      const server = observe(createExampleServer({ sdk })).use(logging({ logger: pino(destination) }));
      const client = await connectInMemory(server, sdk);
      await Promise.all(
        Array.from({ length: REQUESTS }, (_, n) => client.callTool('echo', { text: `n${n}` })),
      );

      await server.close();

      const lines = readLines(file);
      const calls = lines.filter((line) => line['mcp.method.name'] === 'tools/call');
      expect(calls).toHaveLength(REQUESTS);
      expect(new Set(calls.map((line) => line['jsonrpc.request.id'])).size).toBe(REQUESTS);
      expect(lines.map((line) => line.msg).filter((msg) => msg !== 'tools/call echo ok')).toEqual([
        'session started',
        'initialize ok',
        'session ended',
      ]);
    },
  );
});

describe.each(SDK_VERSIONS)('flushOnClose, SDK %s', (sdk) => {
  it.each([
    [undefined, 1],
    [true, 1],
    [false, 0],
  ] as const)(
    'flushOnClose: %s flushes the destination %i time(s) when the server closes',
    async (flushOnClose, flushes) => {
      let flushed = 0;
      const destination = {
        write: () => undefined,
        flush(callback: () => void) {
          flushed++;
          callback();
        },
      };
      const plugin = logging({
        logger: pino({}, destination),
        ...(flushOnClose === undefined ? {} : { flushOnClose }),
      });
      const server = observe(createExampleServer({ sdk })).use(plugin);
      const client = await connectInMemory(server, sdk);
      await client.callTool('echo', { text: 'hello' });
      await server.close();
      expect(flushed).toBe(flushes);
    },
  );
});
