/**
 * `payloadSizes: true`, exactly: the JSON size of each request's params and of its answer (the result,
 * or the JSON-RPC error's code and message), by method, tool and prompt (and custom labels). A request
 * that got no answer, or a payload JSON cannot hold, has no size, and recording it never fails.
 */
import { type Diagnostic, observe, type RequestFacts } from '@mcpscope/core';
import {
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  type SdkVersion,
  waitFor,
} from '@mcpscope/test-kit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type Sample, select } from '../test/exposition-parser.js';
import { scrapeRegistry } from '../test/scrape.js';
import { type CustomLabels, metrics } from './index.js';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Each series of a size histogram: method, tool, prompt, tenant, count and sum. */
function sizes(samples: readonly Sample[], family: 'request' | 'response') {
  const name = `mcp_server_${family}_size_bytes`;
  return select(samples, `${name}_count`).map((count) => {
    const { labels } = count;
    const [sum] = select(samples, `${name}_sum`, labels);
    return [
      labels.mcp_method_name,
      labels.gen_ai_tool_name,
      labels.gen_ai_prompt_name,
      labels.tenant,
      count.value,
      sum!.value,
    ];
  });
}

/** The tenant is `a` on tools/call only: the size series carry custom labels. */
const customLabels: CustomLabels = {
  tenant: { values: ['a'], value: (request) => (request.method === 'tools/call' ? 'a' : undefined) },
};

function observedServer(sdk: SdkVersion, registry: Registry) {
  const diagnostics: Diagnostic[] = [];
  const ended = new Map<string, RequestFacts>();
  const started = new Set<string>();
  const server = observe(createExampleServer({ sdk }), {
    onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
  }).use(metrics({ registry, payloadSizes: true, customLabels }), {
    name: 'facts',
    onRequestStart: (request) => {
      started.add(`${request.method} ${request.target ?? ''}`);
    },
    onRequestEnd: (request) => {
      ended.set(`${request.method} ${request.target ?? ''}`, request);
    },
  });
  return { server, diagnostics, ended, started };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('sizes results, tool errors and JSON-RPC errors by method, tool and prompt; a cancelled call has a request size only', async () => {
    const registry = new Registry();
    const { server, diagnostics, ended, started } = observedServer(sdk, registry);
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'hi' });
    await client.callTool('soft_fail');
    await client.getPrompt('greet', { name: 'Ada' });
    await expect(client.getPrompt('broken')).rejects.toThrow();
    await client.readResource('config://app');
    const abort = new AbortController();
    const slow = client.callTool('slow', { ms: 20_000 }, { signal: abort.signal }).catch(() => undefined);
    await waitFor(() => started.has('tools/call slow'), 'the slow call to start');
    abort.abort();
    await slow;
    await client.close();

    const broken = ended.get('prompts/get broken')!;
    expect([broken.outcome, broken.errorCode]).toEqual(['error', -32603]);
    expect(ended.get('tools/call slow')!.outcome).toBe('cancelled');
    const initialize = ended.get('initialize ')!;
    const samples = await scrapeRegistry(registry);
    expect(sizes(samples, 'request')).toEqual([
      ['initialize', '', '', '', 1, bytes(initialize.params)],
      ['tools/call', 'echo', '', 'a', 1, bytes({ name: 'echo', arguments: { text: 'hi' } })],
      ['tools/call', 'soft_fail', '', 'a', 1, bytes({ name: 'soft_fail', arguments: {} })],
      ['prompts/get', '', 'greet', '', 1, bytes({ name: 'greet', arguments: { name: 'Ada' } })],
      ['prompts/get', '', 'broken', '', 1, bytes({ name: 'broken', arguments: {} })],
      ['resources/read', '', '', '', 1, bytes({ uri: 'config://app' })],
      ['tools/call', 'slow', '', 'a', 1, bytes({ name: 'slow', arguments: { ms: 20_000 } })],
    ]);
    expect(sizes(samples, 'response')).toEqual([
      ['initialize', '', '', '', 1, bytes(initialize.result)],
      ['tools/call', 'echo', '', 'a', 1, bytes({ content: [{ type: 'text', text: 'hi' }] })],
      [
        'tools/call',
        'soft_fail',
        '',
        'a',
        1,
        bytes({ content: [{ type: 'text', text: 'the tool reports a failure' }], isError: true }),
      ],
      [
        'prompts/get',
        '',
        'greet',
        '',
        1,
        bytes({ messages: [{ role: 'user', content: { type: 'text', text: 'Hello Ada' } }] }),
      ],
      ['prompts/get', '', 'broken', '', 1, bytes({ code: -32603, message: broken.errorMessage })],
      [
        'resources/read',
        '',
        '',
        '',
        1,
        bytes({ contents: [{ uri: 'config://app', text: '{"mode":"test"}' }] }),
      ],
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('params or a result JSON cannot hold (a BigInt) have no size; the request is still recorded', async () => {
    const registry = new Registry();
    const { server, diagnostics } = observedServer(sdk, registry);
    const registrar = server as unknown as {
      registerTool(name: string, config: { description: string }, handler: () => Promise<unknown>): unknown;
    };
    registrar.registerTool('big_meta', { description: 'A result with a BigInt in _meta' }, async () => ({
      content: [{ type: 'text', text: 'big' }],
      _meta: { count: 10n },
    }));
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'x', count: 10n });
    await client.callTool('big_meta');
    await client.close();

    const samples = await scrapeRegistry(registry);
    expect(sizes(samples, 'request').filter(([method]) => method === 'tools/call')).toEqual([
      ['tools/call', 'big_meta', '', 'a', 1, bytes({ name: 'big_meta', arguments: {} })],
    ]);
    expect(sizes(samples, 'response').filter(([method]) => method === 'tools/call')).toEqual([
      ['tools/call', 'echo', '', 'a', 1, bytes({ content: [{ type: 'text', text: 'x' }] })],
    ]);
    expect(
      select(samples, 'mcp_server_operation_duration_seconds_count', { mcp_method_name: 'tools/call' }).map(
        (sample) => [sample.labels.gen_ai_tool_name, sample.labels.mcp_request_outcome, sample.value],
      ),
    ).toEqual([
      ['echo', 'ok', 1],
      ['big_meta', 'ok', 1],
    ]);
    expect(diagnostics).toEqual([]);
  });
});
