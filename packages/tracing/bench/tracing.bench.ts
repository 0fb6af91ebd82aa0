/**
 * Per-call cost of tracing against a bare server: sequential tools/call round trips over the in-memory
 * transport (SDK v1), each scenario in a fresh process, rounds interleaved, median reported.
 *   node --import tsx bench/tracing.bench.ts            all scenarios
 *   node --import tsx bench/tracing.bench.ts <scenario> one scenario, one measurement (JSON on stdout)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer } from '@mcpscope/test-kit';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { tracing } from '../src/index.js';

const SCENARIOS = ['bare', 'hook-layer', 'tracing-no-sdk', 'tracing'] as const;
type Scenario = (typeof SCENARIOS)[number];
const ROUNDS = 5;
const WARMUP_CALLS = 2_000;
const MEASURED_CALLS = 5_000;

/** Records every span (batch processor) and drops the batches: the SDK's full cost, no network. */
const discardingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

async function measure(scenario: Scenario): Promise<number> {
  const server = createExampleServer({ sdk: 'v1' });
  if (scenario === 'hook-layer') {
    observe(server).use({ name: 'no-op', onRequestStart: () => undefined, onRequestEnd: () => undefined });
  } else if (scenario !== 'bare') {
    observe(server).use(tracing());
  }
  if (scenario === 'tracing') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardingExporter)] }),
    );
  }
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
    const perCall = median(results.get(scenario)!);
    console.error(
      `${scenario.padEnd(16)} ${perCall.toFixed(1).padStart(6)} µs/call  ${(perCall / bare).toFixed(3)}x`,
    );
  }
}
