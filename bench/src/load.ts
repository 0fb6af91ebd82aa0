/**
 * The load a measurement puts on a server through the MCP SDK client: warm-up, then `rounds` rounds of
 * sequential tools/call round trips, then the same tool with 32 calls in flight. Used in-process for the
 * in-memory transport and from a separate client process for Streamable HTTP.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export interface LoadPlan {
  /** Sequential calls per round. */
  readonly calls: number;
  readonly rounds: number;
  readonly warmupCalls: number;
  readonly inFlight: number;
  readonly concurrentCalls: number;
}

export interface LoadResult {
  /** Sequential: mean microseconds per call, the median of the rounds. */
  readonly perCallMicros: number;
  readonly sequentialP99Micros: number;
  /** With `inFlight` calls in flight: calls per second, and the p99 latency of those calls. */
  readonly throughput: number;
  readonly concurrentP99Micros: number;
  /** Every tools/call this load sent (warm-up included). */
  readonly totalCalls: number;
}

/** Called around the sequential rounds, so the server side can measure its CPU time over them. */
export interface PhaseHooks {
  sequentialStart(): Promise<void>;
  sequentialEnd(): Promise<void>;
}

export function planFor(calls: number): LoadPlan {
  return {
    calls,
    rounds: 5,
    warmupCalls: Math.max(1_000, Math.round(calls / 2)),
    inFlight: 32,
    concurrentCalls: calls * 2,
  };
}

export const ECHO_CALL = { name: 'echo', arguments: { text: 'hello' } };

/**
 * The in-memory transport hands messages over in microtasks only: a loop of awaited calls never lets the
 * event loop turn, so no I/O callback (a log write completing, Sentry's HTTP request) and no timer (a
 * span batch's, the event-loop delay monitor) would run until the load stops, and buffers would grow
 * without bound. A real server's loop turns between requests; the load lets it turn every
 * `YIELD_EVERY` calls (bare pays the same).
 */
export const YIELD_EVERY = 64;

/** Sends one call; every `YIELD_EVERY`th call first lets the event loop turn. */
export function callEcho(client: Client, index: number): Promise<unknown> {
  if (index % YIELD_EVERY !== YIELD_EVERY - 1) return client.callTool(ECHO_CALL);
  return nextTurn().then(() => client.callTool(ECHO_CALL));
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export async function runLoad(client: Client, plan: LoadPlan, hooks: PhaseHooks): Promise<LoadResult> {
  const { calls, rounds, warmupCalls, inFlight, concurrentCalls } = plan;
  for (let index = 0; index < warmupCalls; index++) await callEcho(client, index);

  await hooks.sequentialStart();
  const roundMeans: number[] = [];
  const sequential = new Float64Array(calls * rounds);
  for (let round = 0; round < rounds; round++) {
    const roundStart = performance.now();
    for (let index = 0; index < calls; index++) {
      const start = performance.now();
      await callEcho(client, index);
      sequential[round * calls + index] = (performance.now() - start) * 1_000;
    }
    roundMeans.push(((performance.now() - roundStart) * 1_000) / calls);
  }
  await hooks.sequentialEnd();
  sequential.sort();

  const concurrent = new Float64Array(concurrentCalls);
  let next = 0;
  const concurrentStart = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < concurrentCalls) {
        const index = next++;
        const start = performance.now();
        await callEcho(client, index);
        concurrent[index] = (performance.now() - start) * 1_000;
      }
    }),
  );
  const concurrentSeconds = (performance.now() - concurrentStart) / 1_000;
  concurrent.sort();

  return {
    perCallMicros: median(roundMeans),
    sequentialP99Micros: percentile(sequential, 0.99),
    throughput: concurrentCalls / concurrentSeconds,
    concurrentP99Micros: percentile(concurrent, 0.99),
    totalCalls: warmupCalls + calls * rounds + concurrentCalls,
  };
}
