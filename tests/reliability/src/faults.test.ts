/**
 * Faults in the parts the plugins talk to: a metrics registry whose metrics throw, an OpenTelemetry
 * exporter that fails and one that hangs, a log destination whose reader is gone (EPIPE), a health
 * check that never settles. In each, the observed server answers every request exactly as the bare
 * server does, nothing stays in flight, and the fault is reported once: a second batch of traffic
 * adds no report.
 */
import { type Diagnostic, fetchHandler } from '@mcpscope/core';
import { sentry } from '@mcpscope/sentry';
import { captureStderr, SDK_VERSIONS, type SdkVersion, type StderrCapture } from '@mcpscope/test-kit';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrokenRegistry, closedPipe, FailingExporter, HangingExporter } from '../test/broken-parts.js';
import { inMemoryTracing, tracingWith } from '../test/otel.js';
import { sentryForSuite } from '../test/sentry-endpoint.js';
import { createStack, type Stack, type StackOptions } from '../test/stack.js';
import { bareAnswers, survive as surviveTwice } from '../test/survive.js';

const otel = inMemoryTracing();
const sentryPlugin = sentry();
sentryForSuite();
let stderr: StderrCapture;
const otelErrors: unknown[] = [];
const cleanups: (() => unknown)[] = [];
export const survived: string[] = [];

beforeAll(() => {
  setGlobalErrorHandler((error) => otelErrors.push(error));
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  stderr?.restore();
  otelErrors.length = 0;
});

afterAll(() => {
  process.stderr.write(`[reliability] faults survived: ${survived.length} (${survived.join('; ')})\n`);
});

function stackWith(options: StackOptions): Stack {
  const stack = createStack({ tracerProvider: otel.provider, sentry: sentryPlugin, ...options });
  cleanups.push(() => stack.dispose());
  return stack;
}

/** The dead destination reaches the diagnostics channel once, never stderr (where the lost lines were going). */
function expectOneDestinationFailure(batch: {
  failures: readonly Diagnostic[];
  stderr: readonly string[];
}): void {
  expect(
    batch.failures.map(
      (failure) => `${failure.plugin} ${failure.code} ${(failure.error as NodeJS.ErrnoException).code}`,
    ),
  ).toEqual(['logging MCPSCOPE_LOGGING_DESTINATION_FAILED EPIPE']);
  expect(batch.stderr).toEqual([]);
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk: SdkVersion) => {
  let expected: string[];

  beforeAll(async () => {
    expected = await bareAnswers(sdk);
  });

  async function survive(stack: Stack, what: string) {
    stderr = captureStderr();
    const outcome = await surviveTwice(stack, sdk, expected, stderr);
    survived.push(`${what} (${sdk})`);
    return outcome;
  }

  it('survives a metrics registry whose metrics throw, reporting each failing hook once', async () => {
    const registry = new BrokenRegistry();
    const stack = stackWith({ registry });
    registry.broken = true;
    const { server, first } = await survive(stack, 'metrics registry throws');

    const hooks = first.failures.map((failure) => `${failure.plugin} ${failure.hook}`);
    expect(hooks).toEqual([
      'metrics onSessionStart',
      'metrics onRequestEnd',
      'metrics onNotification',
      'metrics onSessionEnd',
    ]);
    expect(String((first.failures[0]!.error as Error).message)).toMatch(/is broken/);
    // The other plugins kept recording every request.
    expect(otel.spans().length).toBeGreaterThan(0);
    expect(stack.log.lines().filter((line) => 'mcp.request.outcome' in line)).toHaveLength(
      stack.recorder.ended.length,
    );

    // Scrapes fail with 500 (never a partial body), reported once.
    const routes = fetchHandler(server);
    for (let scrape = 0; scrape < 2; scrape++) {
      const response = await routes(new Request('http://127.0.0.1/metrics'));
      expect(response.status).toBe(500);
    }
    expect(stack.failures.filter((failure) => failure.hook === 'route /metrics')).toHaveLength(1);
    await server.close();
  });

  // Spans wait in the batch processor (as with its default 5 s delay in a short-lived server) until
  // the server closes: tracing's flushOnClose then meets the fault, and core reports it once.
  it('survives a span exporter that fails: spans end, the failed flush at close is reported once', async () => {
    const exporter = new FailingExporter();
    const { provider, counter } = tracingWith(
      new BatchSpanProcessor(exporter, { scheduledDelayMillis: 600_000, maxExportBatchSize: 512 }),
    );
    const stack = stackWith({ tracerProvider: provider });
    const { server, first } = await survive(stack, 'span exporter fails');
    expect(first.failures).toEqual([]);
    expect(first.stderr).toEqual([]);
    expect(counter.open).toBe(0);
    expect(exporter.exports).toBe(0);

    await server.close();
    expect(exporter.exports).toBe(1);
    expect(stack.failures.map((failure) => `${failure.plugin} ${failure.hook}`)).toEqual(['tracing close']);
    // The provider's forceFlush rejects with the exporter's errors (an array of them).
    expect(String(stack.failures[0]!.error)).toBe('Error: collector unreachable');
    // Nothing went around core to OpenTelemetry's global error handler.
    expect(otelErrors).toEqual([]);
  });

  it('survives a span exporter that hangs: closing is cut off at the time limit and reported once', async () => {
    const exporter = new HangingExporter();
    const { provider, counter } = tracingWith(
      new BatchSpanProcessor(exporter, { scheduledDelayMillis: 600_000, exportTimeoutMillis: 600_000 }),
    );
    const stack = stackWith({ tracerProvider: provider });
    const { server, first } = await survive(stack, 'span exporter hangs');
    expect(first.failures).toEqual([]);
    expect(counter.open).toBe(0);

    await server.close();
    expect(exporter.exports).toBe(1);
    expect(stack.failures.map((failure) => `${failure.plugin} ${failure.hook} ${failure.code}`)).toEqual([
      'tracing close MCPSCOPE_PLUGIN_CLOSE_TIMEOUT',
    ]);
    expect(stack.failures[0]!.message).toBe('close did not finish within 500 ms');
  });

  it('survives a log destination stream whose reader is gone (EPIPE), reporting it once', async () => {
    const pipe = await closedPipe();
    cleanups.push(() => pipe.close());
    const stack = stackWith({ logDestination: pipe.stream });
    const { server, first } = await survive(stack, 'log stream EPIPE');
    expectOneDestinationFailure(first);
    await server.close();
  });

  it('survives a pino.destination file descriptor whose reader is gone (EPIPE), reporting it once', async () => {
    const pipe = await closedPipe();
    cleanups.push(() => pipe.close());
    const stack = stackWith({ logDestination: pino.destination({ dest: pipe.fd, sync: true }) });
    const { server, first } = await survive(stack, 'log fd EPIPE');
    expectOneDestinationFailure(first);
    await server.close();
  });

  it('survives a health check that never settles: probes answer 503 naming it, requests are untouched', async () => {
    let runs = 0;
    const stack = stackWith({
      health: {
        requireConnection: false,
        checkTimeoutMs: 50,
        checks: {
          'database:ping': () => {
            runs++;
            return new Promise<void>(() => undefined);
          },
        },
      },
    });
    const { server, first } = await survive(stack, 'health check hangs');
    expect(first.failures).toEqual([]);
    expect(first.stderr).toEqual([]);
    const routes = fetchHandler(server);
    for (let probe = 0; probe < 3; probe++) {
      const response = await routes(new Request('http://127.0.0.1/readyz?verbose'));
      expect(response.status).toBe(503);
      const body = (await response.json()) as {
        output: string;
        checks: Record<string, { output?: string }[]>;
      };
      expect(body.output).toBe('failing: database:ping');
      expect(body.checks['database:ping']![0]!.output).toBe('timed out after 50 ms');
    }
    // Each probe ran the check afresh (the hung run was abandoned, not shared forever).
    expect(runs).toBe(3);
    const live = await routes(new Request('http://127.0.0.1/livez'));
    expect(live.status).toBe(200);
    await server.close();
  });
});
