/**
 * Per-call cost of the Sentry plugin: sequential successful tools/call round trips over the in-memory
 * transport (SDK v1), each scenario in a fresh process, rounds interleaved, median reported.
 *   node --import tsx bench/sentry.bench.ts            all scenarios
 *   node --import tsx bench/sentry.bench.ts <scenario> one scenario, one measurement (JSON on stdout)
 * `sentry-init`: Sentry.init without the plugin (the baseline a Sentry user already pays);
 * `sentry`: the plugin on top. No errors happen, so nothing is sent.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer } from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { sentry } from '../src/index.js';

const SCENARIOS = ['bare', 'sentry-init', 'sentry'] as const;
type Scenario = (typeof SCENARIOS)[number];
const ROUNDS = 5;
const WARMUP_CALLS = 2_000;
const MEASURED_CALLS = 5_000;

async function measure(scenario: Scenario): Promise<number> {
  if (scenario !== 'bare') Sentry.init({ dsn: 'http://public@127.0.0.1:9/1', sendClientReports: false });
  const server = createExampleServer({ sdk: 'v1' });
  if (scenario === 'sentry') observe(server).use(sentry());
  const client = await connectInMemory(server, 'v1');
  for (let call = 0; call < WARMUP_CALLS; call++) await client.callTool('echo', { text: 'hi' });
  const start = process.hrtime.bigint();
  for (let call = 0; call < MEASURED_CALLS; call++) await client.callTool('echo', { text: 'hi' });
  const micros = Number(process.hrtime.bigint() - start) / 1_000 / MEASURED_CALLS;
  await client.close();
  return micros;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const only = process.argv[2] as Scenario | undefined;
if (only !== undefined) {
  process.stdout.write(`${JSON.stringify({ scenario: only, perCallMicros: await measure(only) })}\n`);
  process.exit(0);
} else {
  const results = new Map<Scenario, number[]>(SCENARIOS.map((scenario) => [scenario, []]));
  const script = fileURLToPath(import.meta.url);
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      const output = execFileSync(process.execPath, ['--import', 'tsx', script, scenario], {
        encoding: 'utf8',
      });
      results.get(scenario)!.push((JSON.parse(output) as { perCallMicros: number }).perCallMicros);
    }
  }
  const bare = median(results.get('bare')!);
  for (const scenario of SCENARIOS) {
    const micros = median(results.get(scenario)!);
    process.stdout.write(
      `${scenario.padEnd(12)} ${micros.toFixed(1).padStart(7)} µs/call  ${(micros / bare).toFixed(2)}x\n`,
    );
  }
}
