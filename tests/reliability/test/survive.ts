/**
 * The fault tests' common check: the workload runs twice (two connections) against a server observed
 * with the whole stack under a fault; both times every answer equals the bare server's and nothing
 * stays in flight, and the second run adds no report (a fault is reported once, not per request).
 */
import { type Diagnostic, endpointFacts } from '@mcpscope/core';
import {
  createExampleServer,
  type ExampleServer,
  type SdkVersion,
  type StderrCapture,
} from '@mcpscope/test-kit';
import { expect } from 'vitest';
import type { Stack } from './stack.js';
import { until } from './until.js';
import { REQUESTS_PER_ROUND, runWorkload } from './workload.js';

export const ROUNDS = 3;

/** What was reported after the first run. */
export interface Reports {
  readonly failures: readonly Diagnostic[];
  readonly stderr: readonly string[];
}

/** The bare server's answers to the workload. */
export async function bareAnswers(sdk: SdkVersion): Promise<string[]> {
  const run = await runWorkload(createExampleServer({ sdk }), sdk, ROUNDS);
  await run.close();
  return run.answers;
}

export async function survive(
  stack: Stack,
  sdk: SdkVersion,
  expected: readonly string[],
  stderr: StderrCapture,
): Promise<{ server: ExampleServer; first: Reports }> {
  const server = stack.observe(createExampleServer({ sdk }), { closeTimeoutMs: 500 });
  const facts = endpointFacts(server)!;
  const first = await runWorkload(server, sdk, ROUNDS);
  expect(first.answers).toEqual(expected);
  await first.close();
  await until(() => facts.inFlight === 0 && !facts.connected, 'the first connection to end');
  const reports: Reports = { failures: [...stack.failures], stderr: stderr.lines() };

  const second = await runWorkload(server, sdk, ROUNDS);
  expect(second.answers).toEqual(expected);
  await second.close();
  await until(() => facts.inFlight === 0 && !facts.connected, 'the second connection to end');
  expect(stack.recorder.ended).toHaveLength(2 * (1 + ROUNDS * REQUESTS_PER_ROUND));
  expect(stack.failures).toEqual(reports.failures);
  expect(stderr.lines()).toEqual(reports.stderr);
  return { server, first: reports };
}
