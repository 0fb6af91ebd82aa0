import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { observe } from '@mcpscope/core';
import { SDK_VERSIONS, spawnStdioServer, waitFor } from '@mcpscope/test-kit';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { registerTestOtel } from '../test/otel.js';
import { tracing } from './index.js';

interface FileSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: { code: SpanStatusCode; message?: string };
  events: string[];
}

const otel = registerTestOtel();
const script = fileURLToPath(new URL('../test/fixtures/stdio-traced-server.ts', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  otel.reset();
});

function readLines(file: string): (FileSpan | { started: string })[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as FileSpan | { started: string });
}

const readSpans = (file: string): FileSpan[] =>
  readLines(file).filter((line): line is FileSpan => 'name' in line);

describe.each(SDK_VERSIONS)('over stdio, between processes, SDK %s', (sdk) => {
  it('one trace from the client process into the server process; closed transport ends spans', async () => {
    const spansFile = join(tmpdir(), `mcpscope-tracing-${process.pid}-${sdk}-${Date.now()}.jsonl`);
    cleanups.push(() => rmSync(spansFile, { force: true }));
    const child = await spawnStdioServer(script, { sdk, args: [sdk, spansFile] });
    cleanups.push(() => child.close());
    observe(child.client.raw).use(tracing());

    await child.client.callTool('echo', { text: 'hi' });
    await child.client.callTool('fail');
    const slow = child.client.callTool('slow', { ms: 30_000 }).catch((error: unknown) => error);
    await waitFor(
      () => readLines(spansFile).some((line) => 'started' in line && line.started === 'slow'),
      'the slow call to start',
    );
    process.kill(child.pid!, 'SIGUSR2');
    await slow;
    await waitFor(
      () => readSpans(spansFile).some((span) => span.name === 'tools/call slow'),
      'the closed span',
    );

    const serverSpans = readSpans(spansFile);
    const serverEcho = serverSpans.find((span) => span.name === 'tools/call echo')!;
    const clientEcho = otel.one('tools/call echo', SpanKind.CLIENT);
    expect(serverEcho.kind).toBe(SpanKind.SERVER);
    expect(serverEcho.traceId).toBe(clientEcho.spanContext().traceId);
    expect(serverEcho.parentSpanId).toBe(clientEcho.spanContext().spanId);
    expect(serverEcho.attributes).toMatchObject({ 'network.transport': 'pipe', 'mcp.request.outcome': 'ok' });
    expect(serverEcho.attributes['network.protocol.name']).toBeUndefined();
    expect(clientEcho.attributes['network.transport']).toBe('pipe');

    const serverFail = serverSpans.find((span) => span.name === 'tools/call fail')!;
    expect(serverFail.status.code).toBe(SpanStatusCode.ERROR);
    expect(serverFail.events).toEqual(['exception']);

    const serverSlow = serverSpans.find((span) => span.name === 'tools/call slow')!;
    expect(serverSlow.attributes['mcp.request.outcome']).toBe('closed');
    await waitFor(
      () => otel.named('tools/call slow', SpanKind.CLIENT).length === 1,
      'the client span to end',
    );
    expect(otel.one('tools/call slow', SpanKind.CLIENT).attributes['mcp.request.outcome']).toBe('closed');
    expect(child.stderr()).toBe('');
    // Read raw: the test kit's client drops whatever is not JSON-RPC. Nothing but its answers is there.
    const lines = child.stdout().split('\n');
    expect(lines.pop()).toBe('');
    const messages = lines.map((line) => JSON.parse(line) as { jsonrpc?: string; id?: unknown });
    expect(messages.every((message) => message.jsonrpc === '2.0')).toBe(true);
    expect(messages.map((message) => message.id)).toEqual([0, 1, 2]);
    expect(child.foreignStdoutLines()).toEqual([]);
  });
});
