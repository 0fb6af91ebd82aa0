/**
 * Per-call cost of the Sentry plugin on successful calls: sequential `tools/call` round trips over the
 * in-memory transport (SDK v1), each scenario in a fresh process.
 *
 *   node --import tsx bench/sentry.bench.ts                 timing: rounds interleaved, medians
 *   node --import tsx bench/sentry.bench.ts --instructions  instructions per call under valgrind's
 *                                                           callgrind (repeatable on a busy machine)
 *   node --import tsx bench/sentry.bench.ts --only a,b      some scenarios (bare is always added)
 *
 * Run it with the Node to measure (`/path/to/node24 --import tsx bench/sentry.bench.ts`): workers use
 * the same binary. `SENTRY_PLUGIN_MODULE=<path>` measures another build of the plugin (before/after).
 *
 * Scenarios: `bare` (no Sentry); `sentry-init` (Sentry.init, no plugin: what a Sentry user pays anyway);
 * `floor-sentry` (the least per-request isolation costs: one `Sentry.withIsolationScope` around dispatch);
 * `sentry` (the plugin); `tracing` (the tracing plugin on a real OpenTelemetry SDK, Sentry initialised);
 * `tracing-sentry` (both); `otel-carrier-sentry` (Sentry managing OpenTelemetry's context, an
 * OpenTelemetry carrier forking the isolation scope: the scheme when the tracing plugin carries).
 * Nothing fails, so Sentry sends nothing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { McpscopePlugin } from '@mcpscope/core';

const SCENARIOS = [
  'bare',
  'sentry-init',
  'floor-sentry',
  'sentry',
  'tracing',
  'tracing-sentry',
  'otel-carrier-sentry',
] as const;
type Scenario = (typeof SCENARIOS)[number];

const TIMING = { rounds: 5, warmup: 2_000, calls: 5_000 };
/** Two runs per scenario under callgrind; the difference over the difference in calls is one call's cost. */
const INSTRUCTIONS = { warmup: 10_000, calls: [3_000, 13_000] as const };
/** As the repository's bench: GC and compilation on the main thread, a young generation that keeps up. */
const PREDICTABLE = ['--predictable', '--min-semi-space-size=64', '--max-semi-space-size=64'];
const DSN = 'http://public@127.0.0.1:9/1';

async function sentryPlugin(): Promise<McpscopePlugin> {
  const module = (await import(process.env.SENTRY_PLUGIN_MODULE ?? '../src/index.js')) as {
    sentry: () => McpscopePlugin;
  };
  return module.sentry();
}

/** Sets the scenario up; returns the plugins to attach. */
async function setUp(scenario: Scenario): Promise<McpscopePlugin[]> {
  if (scenario === 'bare') return [];
  const Sentry = await import('@sentry/node');
  Sentry.init({
    dsn: DSN,
    sendClientReports: false,
    ...(scenario === 'otel-carrier-sentry' ? { enableOpenTelemetrySetup: true } : {}),
  });
  switch (scenario) {
    case 'sentry-init':
      return [];
    case 'floor-sentry':
      return [{ name: 'floor', aroundRequest: (_request, dispatch) => Sentry.withIsolationScope(dispatch) }];
    case 'sentry':
      return [await sentryPlugin()];
    case 'otel-carrier-sentry': {
      const { context } = await import('@opentelemetry/api');
      const carrier: McpscopePlugin = {
        name: 'otel-carrier',
        contextCarrier: {
          priority: 10,
          run(_request, values, callback) {
            let carried = context.active();
            for (const [key, value] of values ?? []) carried = carried.setValue(key, value);
            context.with(carried, callback);
            return true;
          },
          currentRequest: () => undefined,
        },
      };
      return [carrier, await sentryPlugin()];
    }
    default: {
      const { context, trace } = await import('@opentelemetry/api');
      const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
      const { BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
      const { tracing } = await import('@mcpscope/tracing');
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const provider = new BasicTracerProvider();
      trace.setGlobalTracerProvider(provider);
      const plugins = [tracing({ tracerProvider: provider })];
      return scenario === 'tracing-sentry' ? [...plugins, await sentryPlugin()] : plugins;
    }
  }
}

/** Runs `warmup` then `calls` sequential calls; returns the µs per measured call. */
async function run(scenario: Scenario, warmup: number, calls: number): Promise<number> {
  const { observe } = await import('@mcpscope/core');
  const { connectInMemory, createExampleServer } = await import('@mcpscope/test-kit');
  const plugins = await setUp(scenario);
  const server = createExampleServer({ sdk: 'v1' });
  if (plugins.length > 0) observe(server).use(...plugins);
  const client = await connectInMemory(server, 'v1');
  const call = () => client.callTool('echo', { text: 'hi' });
  for (let index = 0; index < warmup; index++) {
    await call();
    if (index % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const start = process.hrtime.bigint();
  for (let index = 0; index < calls; index++) {
    await call();
    if (index % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const micros = Number(process.hrtime.bigint() - start) / 1_000 / calls;
  await client.close();
  return micros;
}

const script = fileURLToPath(import.meta.url);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function callgrind(scenario: Scenario, calls: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'valgrind',
      [
        '--tool=callgrind',
        '--callgrind-out-file=/dev/null',
        process.execPath,
        ...PREDICTABLE,
        '--import',
        'tsx',
        script,
        '--worker',
        scenario,
        String(INSTRUCTIONS.warmup),
        String(calls),
      ],
      { maxBuffer: 64 * 1024 * 1024, env: process.env },
      (error, _stdout, stderr) => {
        const collected = /Collected : (\d+)/.exec(stderr);
        if (error !== null || collected === null)
          reject(new Error(`callgrind ${scenario}: ${stderr.slice(-2_000)}`));
        else resolve(Number(collected[1]));
      },
    );
  });
}

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    worker: { type: 'boolean', default: false },
    instructions: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

if (options.worker) {
  const [scenario, warmup, calls] = positionals as [Scenario, string, string];
  const micros = await run(scenario, Number(warmup), Number(calls));
  process.stdout.write(`${JSON.stringify({ scenario, micros })}\n`);
  process.exit(0);
}

const chosen = SCENARIOS.filter(
  (scenario) =>
    scenario === 'bare' || options.only === undefined || options.only.split(',').includes(scenario),
);
process.stdout.write(
  `node ${process.version}, ${options.instructions ? 'instructions (callgrind)' : 'timing'}\n`,
);
const perCall = new Map<Scenario, number>();
if (options.instructions) {
  for (const scenario of chosen) {
    const [low, high] = [
      await callgrind(scenario, INSTRUCTIONS.calls[0]),
      await callgrind(scenario, INSTRUCTIONS.calls[1]),
    ];
    perCall.set(scenario, (high - low) / (INSTRUCTIONS.calls[1] - INSTRUCTIONS.calls[0]) / 1_000);
  }
} else {
  const rounds = new Map<Scenario, number[]>(chosen.map((scenario) => [scenario, []]));
  for (let round = 0; round < TIMING.rounds; round++) {
    for (const scenario of chosen) {
      const output = execFileSync(
        process.execPath,
        ['--import', 'tsx', script, '--worker', scenario, String(TIMING.warmup), String(TIMING.calls)],
        { encoding: 'utf8' },
      );
      rounds.get(scenario)!.push((JSON.parse(output) as { micros: number }).micros);
    }
  }
  for (const [scenario, values] of rounds) perCall.set(scenario, median(values));
}
const unit = options.instructions ? 'k instructions/call' : 'µs/call';
const bare = perCall.get('bare')!;
const init = perCall.get('sentry-init');
for (const [scenario, value] of perCall) {
  const overInit =
    init === undefined || scenario === 'bare' ? '' : `  ${(value / init).toFixed(3)}× sentry-init`;
  process.stdout.write(
    `${scenario.padEnd(20)} ${value.toFixed(1).padStart(8)} ${unit}  ${(value / bare).toFixed(3)}× bare${overInit}\n`,
  );
}
