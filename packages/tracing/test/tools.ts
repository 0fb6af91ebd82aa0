/**
 * Extra tools for tracing tests, on top of the test-kit example server: one that starts its own span,
 * one that reports progress, one that asks the client to sample, one that pings the client.
 */
import type { ExampleServer, SdkVersion } from '@mcpscope/test-kit';
import type { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CreateMessageResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer as V2McpServer } from '@modelcontextprotocol/server';
import { trace } from '@opentelemetry/api';

export const INNER_SPAN = 'inner work';

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

const sampleParams = {
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'say hi' } }],
  maxTokens: 10,
};

function innerWork(): string {
  return trace.getTracer('test-tool').startActiveSpan(INNER_SPAN, (span) => {
    const traceId = span.spanContext().traceId;
    span.end();
    return traceId;
  });
}

export function addTracingTools<Server extends ExampleServer>(server: Server, sdk: SdkVersion): Server {
  if (sdk === 'v1') {
    const v1 = server as V1McpServer;
    v1.registerTool('traced', { description: 'Starts a span' }, async () => text(innerWork()));
    v1.registerTool('progress', { description: 'Reports progress' }, async (extra) => {
      const progressToken = extra._meta?.progressToken;
      if (progressToken !== undefined) {
        for (const progress of [1, 2]) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress, total: 2 },
          });
        }
      }
      return text('done');
    });
    v1.registerTool('ask', { description: 'Asks the client to sample' }, async (extra) => {
      const reply = await extra.sendRequest(
        { method: 'sampling/createMessage', params: sampleParams },
        CreateMessageResultSchema,
      );
      return text(reply.content.type === 'text' ? reply.content.text : '');
    });
    v1.registerTool('ping_client', { description: 'Pings the client' }, async () => {
      await v1.server.ping();
      return text('pong');
    });
    return server;
  }
  const v2 = server as V2McpServer;
  v2.registerTool('traced', { description: 'Starts a span' }, async () => text(innerWork()));
  v2.registerTool('progress', { description: 'Reports progress' }, async (ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined) {
      for (const progress of [1, 2]) {
        await ctx.mcpReq.notify({
          method: 'notifications/progress',
          params: { progressToken, progress, total: 2 },
        });
      }
    }
    return text('done');
  });
  v2.registerTool('ask', { description: 'Asks the client to sample' }, async (ctx) => {
    const reply = await ctx.mcpReq.requestSampling(sampleParams);
    const content = Array.isArray(reply.content) ? reply.content[0] : reply.content;
    return text(content?.type === 'text' ? content.text : '');
  });
  v2.registerTool('ping_client', { description: 'Pings the client' }, async () => {
    await v2.server.ping();
    return text('pong');
  });
  return server;
}
