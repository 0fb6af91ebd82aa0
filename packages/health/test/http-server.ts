/**
 * An observed example server behind real Streamable HTTP, with the health routes on the same port.
 * Usage: node --import tsx http-server.ts <v1|v2> <stateful|stateless|handler>
 * Env: DELAY_MS, TIMEOUT_MS (shutdown). Prints `LISTENING <base url>` on stderr.
 */
import { nodeHandler, observe } from '@mcpscope/core';
import { createExampleServer, type HttpMode, type SdkVersion, startHttpServer } from '@mcpscope/test-kit';
import { health } from '../src/index.js';
import { outcomeRecorder } from './outcome-recorder.js';

const [sdk, mode] = process.argv.slice(2) as [SdkVersion, HttpMode];
const probes = health({
  shutdown: {
    delayMs: Number(process.env.DELAY_MS ?? 0),
    timeoutMs: Number(process.env.TIMEOUT_MS ?? 20_000),
  },
});
const recorder = outcomeRecorder();
const http = await startHttpServer({
  sdk,
  mode,
  createServer: () => observe(createExampleServer({ sdk })).use(probes, recorder),
  routes: nodeHandler([probes]),
});
process.stderr.write(`LISTENING ${http.baseUrl}\n`);
