import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { tracing } from './index.js';

describe.each(SDK_VERSIONS)('flushing, SDK %s', (sdk) => {
  it('exports the spans a batch processor holds when the server closes, and keeps the provider usable', async () => {
    const exporter = new InMemorySpanExporter();
    // A batch that would wait a minute: only a flush exports it.
    const processor = new BatchSpanProcessor(exporter, {
      scheduledDelayMillis: 60_000,
      maxExportBatchSize: 1_000,
    });
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
    const server = observe(createExampleServer({ sdk })).use(tracing({ tracerProvider }));
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'a' });
    await client.callTool('fail');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await server.close();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual([
      'initialize',
      'tools/call echo',
      'tools/call fail',
    ]);
    tracerProvider.getTracer('after').startSpan('still usable').end();
    await tracerProvider.forceFlush();
    expect(exporter.getFinishedSpans()).toHaveLength(4);
  });

  it('leaves the provider alone with flushOnClose: false', async () => {
    const exporter = new InMemorySpanExporter();
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 });
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
    const server = observe(createExampleServer({ sdk })).use(
      tracing({ tracerProvider, flushOnClose: false }),
    );
    const client = await connectInMemory(server, sdk);
    await client.callTool('echo', { text: 'a' });
    await server.close();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await tracerProvider.shutdown();
  });
});
