/** The plugin shown in core's README under "Writing a plugin" works as the README says. */
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { slowCalls } from '../test/fixtures/slow-calls-plugin.js';
import { type Diagnostic, fetchHandler, observe } from './index.js';

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('counts slow calls per registered target and reports the first once', async () => {
    const diagnostics: Diagnostic[] = [];
    const plugin = slowCalls({ thresholdMs: 40 });
    const server = observe(createExampleServer({ sdk }), { onDiagnostic: (d) => diagnostics.push(d) }).use(
      plugin,
    );
    const client = await connectInMemory(server, sdk);
    await client.callTool('slow', { ms: 60 });
    await client.callTool('slow', { ms: 60 });
    await client.callTool('slow', { ms: 1 });
    await client.callTool('echo', { text: 'fast' });
    await waitFor(async () => {
      const response = await fetchHandler([plugin])(new Request('http://localhost/slow-calls'));
      return (await response.json())['gen_ai.tool.name=slow'] === 2;
    }, 'two slow calls');
    const response = await fetchHandler(server)(new Request('http://localhost/slow-calls'));
    expect(await response.json()).toEqual({ 'gen_ai.tool.name=slow': 2 });
    expect(diagnostics.map((d) => `${d.plugin} ${d.code}`)).toEqual(['slow-calls SLOW_CALLS_FIRST']);
    expect(diagnostics[0]?.message).toMatch(/^tools\/call slow took \d+ ms$/);
    await client.close();
  });
});
