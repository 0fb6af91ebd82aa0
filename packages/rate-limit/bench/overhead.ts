/**
 * `pnpm bench` (this package): per-call time of a tools/call round trip with a limiter whose limit is
 * never reached (memory store) vs a bare server, SDK v1 over the in-memory transport. Each measurement
 * runs in a fresh process, scenarios interleaved round by round; the figure is the median. CPU time is
 * printed beside wall time because it holds up better on a machine busy with other work.
 * Target: rate limit never reached <= 1.05x bare.
 * Usage: node --import tsx bench/overhead.ts [--rounds N] [--calls N]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SCENARIOS = ['bare', 'no-op aroundRequest', 'rate-limit', 'rate-limit, 3 rules'] as const;
type Scenario = (typeof SCENARIOS)[number];
const TARGET_RATIO = 1.05;
const NEVER_REACHED = { limit: 1_000_000_000, windowMs: 60_000 };

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
  const [{ observe }, { McpServer }, { InMemoryTransport }, { Client }, { z }, { rateLimit }] =
    await Promise.all([
      import('@mcpscope/core'),
      import('@modelcontextprotocol/sdk/server/mcp.js'),
      import('@modelcontextprotocol/sdk/inMemory.js'),
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('zod'),
      import('../src/index.js'),
    ]);
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text' as const, text }],
  }));
  if (scenario === 'no-op aroundRequest') {
    observe(server).use({ name: 'no-op', aroundRequest: (_request, dispatch) => dispatch() });
  } else if (scenario === 'rate-limit') {
    observe(server).use(rateLimit({ client: NEVER_REACHED }));
  } else if (scenario === 'rate-limit, 3 rules') {
    observe(server).use(
      rateLimit({ global: NEVER_REACHED, client: NEVER_REACHED, tools: { echo: NEVER_REACHED } }),
    );
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
    wallMicros: wall(scenario),
    ratio: wall(scenario) / wall('bare'),
    cpuMicros: cpu(scenario),
    cpuRatio: cpu(scenario) / cpu('bare'),
  }));
  process.stdout.write(
    `node ${process.version}, ${calls} sequential tools/call per process, median of ${values.rounds}\n`,
  );
  process.stdout.write('scenario               | µs/call | × bare | CPU µs/call | CPU × bare\n');
  for (const row of rows) {
    const cells = [
      row.wallMicros.toFixed(1),
      row.ratio.toFixed(3),
      row.cpuMicros.toFixed(1),
      row.cpuRatio.toFixed(3),
    ];
    process.stdout.write(`${row.scenario.padEnd(22)} | ${cells.join(' | ')}\n`);
  }
  const limited = rows.find((row) => row.scenario === 'rate-limit')!;
  const met = limited.ratio <= TARGET_RATIO;
  process.stdout.write(
    `target: rate limit never reached <= ${TARGET_RATIO}x bare: ${limited.ratio.toFixed(3)}x, ` +
      `${met ? 'met' : 'NOT met'}\n`,
  );
}
