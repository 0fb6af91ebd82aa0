/**
 * `openTelemetryMetrics()` through the real OTLP/HTTP metric exporter (JSON) to a receiver on
 * 127.0.0.1: the export is decoded and its instruments, units, bucket boundaries, attributes and counts
 * checked.
 */
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer } from '@mcpscope/test-kit';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, expect, it } from 'vitest';
import { attributesOf, startOtlpReceiver, sumValueOf } from '../test/otlp-receiver.js';
import { DEFAULT_DURATION_BUCKETS } from './index.js';
import { INSTRUMENT_NAMES, METER_NAME, openTelemetryMetrics } from './opentelemetry.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function startReceiver() {
  const receiver = await startOtlpReceiver();
  cleanups.push(() => receiver.close());
  return receiver;
}

it('exports the conventions’ instruments over OTLP/HTTP to a local receiver', async () => {
  const receiver = await startReceiver();
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: receiver.url }),
    exportIntervalMillis: 60_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  cleanups.push(() => provider.shutdown());
  const server = observe(createExampleServer({ sdk: 'v1' })).use(
    openTelemetryMetrics({ meterProvider: provider }),
  );
  const client = await connectInMemory(server, 'v1');
  await client.callTool('echo', { text: 'one' });
  await client.callTool('echo', { text: 'two' });
  await client.callTool('soft_fail');
  await client.request('no/such/method', {}).catch(() => undefined);
  await client.close();
  await provider.forceFlush();

  expect(receiver.contentTypes).toEqual(['application/json']);
  const [scope] = receiver.requests[0]!.resourceMetrics[0]!.scopeMetrics;
  expect(scope!.scope.name).toBe(METER_NAME);
  const byName = new Map(scope!.metrics.map((metric) => [metric.name, metric]));
  const operations = byName.get(INSTRUMENT_NAMES.operationDuration)!;
  expect(operations.unit).toBe('s');
  const points = operations.histogram!.dataPoints.map((point) => ({
    attributes: attributesOf(point),
    count: Number(point.count),
  }));
  const echo = points.filter((point) => point.attributes['gen_ai.tool.name'] === 'echo');
  expect(
    echo.map((point) => [
      point.attributes['mcp.method.name'],
      point.attributes['gen_ai.operation.name'],
      point.count,
    ]),
  ).toEqual([['tools/call', 'execute_tool', 2]]);
  expect(operations.histogram!.dataPoints[0]!.explicitBounds).toEqual(DEFAULT_DURATION_BUCKETS);
  expect(
    points
      .filter((point) => point.attributes['error.type'] === 'tool_error')
      .map((point) => [
        point.attributes['gen_ai.tool.name'],
        point.attributes['mcp.error.side'],
        point.count,
      ]),
  ).toEqual([['soft_fail', 'tool', 1]]);
  expect(
    points
      .filter((point) => point.attributes['mcp.method.name'] === '_OTHER')
      .map((point) => [
        point.attributes['error.type'],
        point.attributes['rpc.response.status_code'],
        point.count,
      ]),
  ).toEqual([['-32601', '-32601', 1]]);
  const sessions = byName.get(INSTRUMENT_NAMES.sessionDuration)!;
  expect(sessions.histogram!.dataPoints.map((point) => Number(point.count))).toEqual([1]);
  const transportErrors = byName.get(INSTRUMENT_NAMES.transportErrors)!;
  expect(transportErrors.sum!.isMonotonic).toBe(true);
  expect(
    transportErrors.sum!.dataPoints.map((point) => [
      attributesOf(point)['mcp.error.side'],
      sumValueOf(point),
    ]),
  ).toEqual([
    ['client', 0],
    ['server', 0],
  ]);
});
