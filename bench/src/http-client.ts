/**
 * The client side of a Streamable HTTP measurement, in its own process (forked by the worker with an IPC
 * channel), as a real client would be: its fetch, SSE parsing and the SDK client's own work never run on
 * the server's thread, and no server-side instrumentation (Sentry's fetch integration, async hooks) can
 * touch it. It asks the server to start and stop its CPU clock around the sequential rounds and sends
 * its result back over IPC.
 *
 * Usage (by worker.ts): fork(http-client.ts, [url, plan JSON])
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type LoadPlan, runLoad } from './load.js';

export type ClientMessage =
  | { readonly type: 'sequential-start' | 'sequential-end' }
  | { readonly type: 'result'; readonly result: Awaited<ReturnType<typeof runLoad>> };

const [url = '', planJson = '{}'] = process.argv.slice(2);
const send = (message: ClientMessage) =>
  new Promise<void>((resolve, reject) =>
    process.send?.(message, (error) => (error ? reject(error) : resolve())),
  );

/** Sends a phase marker and waits until the server acknowledged it. */
function mark(type: 'sequential-start' | 'sequential-end'): Promise<void> {
  return new Promise((resolve, reject) => {
    process.once('message', () => resolve());
    send({ type }).catch(reject);
  });
}

const client = new Client({ name: 'bench-client', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
const result = await runLoad(client, JSON.parse(planJson) as LoadPlan, {
  sequentialStart: () => mark('sequential-start'),
  sequentialEnd: () => mark('sequential-end'),
});
await client.close();
await send({ type: 'result', result });
process.exit(0);
