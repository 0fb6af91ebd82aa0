/**
 * Loads one entry point of the package and attaches its plugin to a server that answers a call, then
 * prints `loaded <entry>`. Usage: node --import tsx --import ./test/block-module.mjs load-entry.ts <entry>
 */
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer } from '@mcpscope/test-kit';

const entry = process.argv[2];
const plugin =
  entry === 'prometheus'
    ? (await import('../src/index.js')).metrics()
    : (await import('../src/opentelemetry.js')).openTelemetryMetrics();
const client = await connectInMemory(observe(createExampleServer({ sdk: 'v1' })).use(plugin), 'v1');
await client.callTool('echo', { text: 'loaded' });
await client.close();
process.stdout.write(`loaded ${entry}\n`);
