/**
 * `pnpm bench` (this package): per-call time of a tools/call round trip, logging to a file vs a bare
 * server, SDK v1 over the in-memory transport. Each measurement runs in a fresh process (turning on
 * AsyncLocalStorage changes the whole process), scenarios interleaved; the figure is the median.
 * Wall time is the target's measure; CPU time (this process, all threads) is printed beside it because
 * it holds up better on a machine busy with other work.
 * Target: logging <= 1.20x bare. Usage: node --import tsx bench/logging.bench.ts [--rounds N] [--calls N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SCENARIOS = ['bare', 'logging', 'logging, requestLogger off', 'logging+getLogger'] as const;
type Scenario = (typeof SCENARIOS)[number];
const TARGET_RATIO = 1.2;

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    calls: { type: 'string', default: '5000' },
  },
});
const calls = Number(values.calls);

interface Sample {
  readonly wallMicros: number;
  readonly cpuMicros: number;
}

async function measure(scenario: Scenario): Promise<Sample> {
  const [{ observe }, { McpServer }, { InMemoryTransport }, { Client }, { default: pino }, { z }, logging] =
    await Promise.all([
      import('@mcpscope/core'),
      import('@modelcontextprotocol/sdk/server/mcp.js'),
      import('@modelcontextprotocol/sdk/inMemory.js'),
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('pino'),
      import('zod'),
      import('../src/index.js'),
    ]);
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  const useLogger = scenario === 'logging+getLogger';
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => {
    if (useLogger) logging.getLogger().debug('inside');
    return { content: [{ type: 'text' as const, text }] };
  });
  const scratch = mkdtempSync(join(tmpdir(), 'mcpscope-logging-bench-'));
  const destination = pino.destination({ dest: join(scratch, 'server.log'), sync: false });
  if (scenario !== 'bare') {
    const requestLogger = scenario !== 'logging, requestLogger off';
    observe(server).use(logging.logging({ logger: pino(destination), requestLogger }));
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(clientSide);
  const call = () => client.callTool({ name: 'echo', arguments: { text: 'hello' } });
  for (let index = 0; index < 1000; index++) await call();
  const start = performance.now();
  const startCpu = process.cpuUsage();
  for (let index = 0; index < calls; index++) await call();
  const cpu = process.cpuUsage(startCpu);
  const sample = {
    wallMicros: ((performance.now() - start) * 1000) / calls,
    cpuMicros: (cpu.user + cpu.system) / calls,
  };
  await client.close();
  await server.close();
  destination.end();
  rmSync(scratch, { recursive: true, force: true });
  return sample;
}

const median = (numbers: number[]) =>
  [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)]!;

if (values.scenario !== undefined) {
  process.stdout.write(`${JSON.stringify(await measure(values.scenario as Scenario))}\n`);
} else {
  const script = fileURLToPath(import.meta.url);
  const samples = new Map<Scenario, Sample[]>(SCENARIOS.map((scenario) => [scenario, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const scenario of SCENARIOS) {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', script, '--scenario', scenario, '--calls', String(calls)],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`${scenario} failed: ${child.stderr}`);
      samples.get(scenario)!.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as Sample);
    }
  }
  const wall = (scenario: Scenario) => median(samples.get(scenario)!.map((sample) => sample.wallMicros));
  const cpu = (scenario: Scenario) => median(samples.get(scenario)!.map((sample) => sample.cpuMicros));
  const rows = SCENARIOS.map((scenario) => ({
    scenario,
    wallMicros: Number(wall(scenario).toFixed(2)),
    ratio: Number((wall(scenario) / wall('bare')).toFixed(3)),
    cpuMicros: Number(cpu(scenario).toFixed(2)),
    cpuRatio: Number((cpu(scenario) / cpu('bare')).toFixed(3)),
  }));
  process.stdout.write(
    `node ${process.version}, ${calls} sequential tools/call per process, median of ${values.rounds}\n`,
  );
  process.stdout.write('scenario                     | µs/call | × bare | CPU µs/call | CPU × bare\n');
  for (const row of rows) {
    const cells = [
      row.wallMicros.toFixed(1),
      row.ratio.toFixed(2),
      row.cpuMicros.toFixed(1),
      row.cpuRatio.toFixed(2),
    ];
    process.stdout.write(`${row.scenario.padEnd(28)} | ${cells.join(' | ')}\n`);
  }
  const logging = rows.find((row) => row.scenario === 'logging')!;
  const met = logging.ratio <= TARGET_RATIO;
  process.stdout.write(
    `${JSON.stringify({ node: process.version, target: `logging <= ${TARGET_RATIO}x bare`, ratio: logging.ratio, met, rows })}\n`,
  );
}
