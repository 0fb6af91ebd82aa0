import { delay, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addTool, captureLogger, LEVEL, type Started, startLogged, text } from '../test/harness.js';
import { getLogger, logging } from './index.js';

const running: Started[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.client.close();
});

describe.each(SDK_VERSIONS)('getLogger(), SDK %s', (sdk) => {
  it('200 concurrent requests: every handler line carries its own request id', async () => {
    const started = await startLogged(sdk, { recordArguments: true }, (server) =>
      addTool(server, sdk, 'work', { n: z.number() }, async ({ n }) => {
        getLogger().info({ n }, 'before');
        await delay((n as number) % 7);
        getLogger().info({ n }, 'after');
        return text(String(n));
      }),
    );
    running.push(started);
    const { client, captured } = started;
    const results = await Promise.all(Array.from({ length: 200 }, (_, n) => client.callTool('work', { n })));
    expect(results.map((result) => (result.content as { text: string }[])[0]!.text)).toEqual(
      Array.from({ length: 200 }, (_, n) => String(n)),
    );
    await waitFor(() => captured.requestLines('tools/call').length === 200, '200 request lines');

    // The request line shows each request's own arguments: the reference for its handler lines.
    const nOfRequest = new Map<unknown, unknown>();
    for (const line of captured.requestLines('tools/call')) {
      nOfRequest.set(
        line['jsonrpc.request.id'],
        (JSON.parse(line['gen_ai.tool.call.arguments'] as string) as { n: number }).n,
      );
    }
    expect(nOfRequest.size).toBe(200);

    const handlerLines = captured.lines.filter((line) => line.msg === 'before' || line.msg === 'after');
    expect(handlerLines).toHaveLength(400);
    const linesPerRequest = new Map<unknown, number>();
    for (const line of handlerLines) {
      expect(line).toMatchObject({
        level: LEVEL.info,
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'work',
      });
      expect(line.n).toBe(nOfRequest.get(line['jsonrpc.request.id']));
      linesPerRequest.set(
        line['jsonrpc.request.id'],
        (linesPerRequest.get(line['jsonrpc.request.id']) ?? 0) + 1,
      );
    }
    expect([...linesPerRequest.values()].every((count) => count === 2)).toBe(true);
    expect(linesPerRequest.size).toBe(200);
  });

  it('inside a handler: one child logger per request, with the session and request keys', async () => {
    const seen: unknown[] = [];
    const started = await startLogged(sdk, {}, (server) =>
      addTool(server, sdk, 'twice', {}, async () => {
        const first = getLogger();
        seen.push(first === getLogger(), first.bindings());
        return text('ok');
      }),
    );
    running.push(started);
    await started.client.callTool('twice');
    expect(seen).toEqual([
      true,
      {
        'mcp.protocol.version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        'mcp.client.name': 'test-client',
        'mcp.client.version': '1.2.3',
        'mcp.transport': 'in-memory',
        'jsonrpc.request.id': '1',
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'twice',
      },
    ]);
  });

  it('with requestLogger: false, handlers get the base logger (no request context)', async () => {
    let inside: unknown;
    const started = await startLogged(sdk, { requestLogger: false }, (server) =>
      addTool(server, sdk, 'plain', {}, async () => {
        inside = getLogger();
        return text('ok');
      }),
    );
    running.push(started);
    expect(started.plugin.requestContext).toBe(false);
    await started.client.callTool('plain');
    expect(inside).toBe(started.plugin.logger);
  });

  it('outside a handler: the base logger of the latest plugin', () => {
    const captured = captureLogger();
    const plugin = logging({ logger: captured.logger });
    expect(getLogger()).toBe(plugin.logger);
    expect(plugin.logger).toBe(captured.logger);
  });
});
