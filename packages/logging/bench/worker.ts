/**
 * One benchmark process: a tools/call round trip over the in-memory transport (SDK v1), bare or with
 * `logging()` on one scenario's destination. Usage:
 *   node --import tsx bench/worker.ts <scenario> <calls> <warmup> <turnEvery>
 * Prints one JSON line on stdout: time per call (wall and CPU) and the request lines the scenario's own
 * file holds after `close()` (stderr scenarios are counted by the runner).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarioNamed } from './scenarios.js';

export interface WorkerResult {
  readonly scenario: string;
  readonly calls: number;
  readonly wallMicros: number;
  readonly cpuMicros: number;
  /** tools/call lines in the scenario's own file after close; undefined when it writes elsewhere. */
  readonly fileLines: number | undefined;
}

const [name, callsText, warmupText, turnEveryText] = process.argv.slice(2);
const scenario = scenarioNamed(name!);
const calls = Number(callsText);
const warmup = Number(warmupText);
const turnEvery = Number(turnEveryText ?? 64);

const [{ observe }, { McpServer }, { InMemoryTransport }, { Client }, { z }, { logging }] = await Promise.all(
  [
    import('@mcpscope/core'),
    import('@modelcontextprotocol/sdk/server/mcp.js'),
    import('@modelcontextprotocol/sdk/inMemory.js'),
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('zod'),
    import('../src/index.js'),
  ],
);

const scratch = mkdtempSync(join(tmpdir(), 'mcpscope-logging-bench-'));
const { logger, file } = await scenario.setup(scratch);
const server = new McpServer({ name: 'bench', version: '1.0.0' });
server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
  content: [{ type: 'text' as const, text }],
}));
if (scenario.bare !== true) observe(server).use(logging(logger === undefined ? {} : { logger }));
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(serverSide);
const client = new Client({ name: 'bench', version: '1.0.0' });
await client.connect(clientSide);

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
async function run(count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    if (index % turnEvery === turnEvery - 1) await turn();
  }
}

await run(warmup);
const start = performance.now();
const startCpu = process.cpuUsage();
await run(calls);
const cpu = process.cpuUsage(startCpu);
const wall = performance.now() - start;
await client.close();
await server.close();

const countLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"tools/call echo ok"')).length;
const result: WorkerResult = {
  scenario: scenario.name,
  calls,
  wallMicros: (wall * 1000) / calls,
  cpuMicros: (cpu.user + cpu.system) / calls,
  fileLines: file === undefined ? undefined : countLines(file),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
rmSync(scratch, { recursive: true, force: true });
