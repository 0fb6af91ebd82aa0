/**
 * A Node cluster: two workers each run an observed MCP server (Streamable HTTP, stateless, on a port
 * they share) with `metrics({ cluster: true })`; the primary serves the aggregate with
 * `clusterMetrics()` on its own port. Each worker first makes `worker.id` `add` calls in memory, so
 * the aggregate proves both workers were summed. The primary prints one JSON line when all are ready.
 *
 * Usage: node --import tsx cluster-primary.ts <v1|v2>
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHandler, observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, type SdkVersion, startHttpServer } from '@mcpscope/test-kit';
import { clusterMetrics, metrics } from '../src/index.js';

const sdk = process.argv[2] as SdkVersion;
const WORKERS = 2;

if (cluster.isPrimary) {
  const http = createServer(nodeHandler([clusterMetrics({ bearerToken: 'cluster-token' })]));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const metricsUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/metrics`;
  const ready = new Map<number, { mcpUrl: string; routes: string[] }>();
  for (let index = 0; index < WORKERS; index++) {
    const worker = cluster.fork();
    worker.on('message', (message: { mcpUrl: string; routes: string[] }) => {
      ready.set(worker.id, message);
      if (ready.size === WORKERS) {
        const workers = [...ready.values()];
        process.stdout.write(`${JSON.stringify({ metricsUrl, workers })}\n`);
      }
    });
  }
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    http.close();
    process.exit(0);
  });
} else {
  const plugin = metrics({ cluster: true });
  const local = observe(createExampleServer({ sdk })).use(plugin);
  const client = await connectInMemory(local, sdk);
  for (let index = 0; index < cluster.worker!.id; index++) await client.callTool('add', { a: index, b: 1 });
  await client.close();
  const http = await startHttpServer({
    sdk,
    mode: 'stateless',
    createServer: () => observe(createExampleServer({ sdk })).use(plugin),
  });
  process.send!({ mcpUrl: http.url.href, routes: Object.keys(plugin.routes ?? {}) });
}
