/** An observed example server with a limiter, a recorder of ended requests, and handler counts. */
import { type Diagnostic, type McpscopePlugin, observe, type RequestFacts } from '@mcpscope/core';
import {
  type ClientIdentity,
  connectInMemory,
  createExampleServer,
  HandlerCalls,
  type SdkVersion,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import type { RateLimiter } from '../src/index.js';

export interface Observed {
  readonly calls: HandlerCalls;
  readonly ended: RequestFacts[];
  readonly failures: Diagnostic[];
  connect(identity?: ClientIdentity): Promise<TestClient>;
  /** Waits until every request that started has ended. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export function observed(sdk: SdkVersion, limiter: RateLimiter, ...others: McpscopePlugin[]): Observed {
  const calls = new HandlerCalls();
  const ended: RequestFacts[] = [];
  const failures: Diagnostic[] = [];
  let started = 0;
  const clients: TestClient[] = [];
  const servers: { close(): Promise<void> }[] = [];
  // One receiver for every server: core delivers a plugin's diagnostic once to each distinct receiver.
  const receive = (failure: Diagnostic) => void failures.push(failure);
  return {
    calls,
    ended,
    failures,
    async connect(identity) {
      // One server per connection, as with stateful HTTP; the limiter is shared by all of them.
      const server = observe(createExampleServer({ sdk, calls }), { onDiagnostic: receive }).use(
        limiter,
        {
          name: 'recorder',
          onRequestStart: () => void started++,
          onRequestEnd: (request) => void ended.push(request),
        },
        ...others,
      );
      servers.push(server);
      const client = await connectInMemory(server, sdk, identity);
      clients.push(client);
      return client;
    },
    settled: () => waitFor(() => ended.length === started, 'every request to end'),
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

export type CallOutcome = 'ok' | { code: number; message: string; data: Record<string, unknown> };

/** Resolves to 'ok' or to the JSON-RPC error the client received. */
export function outcomeOf(call: Promise<unknown>): Promise<CallOutcome> {
  return call.then(
    () => 'ok' as const,
    (error: { code: number; message: string; data: Record<string, unknown> }) => ({
      code: error.code,
      message: error.message,
      data: error.data,
    }),
  );
}

export async function countOutcomes(calls: Promise<unknown>[]): Promise<{ ok: number; refused: number }> {
  const outcomes = await Promise.all(calls.map(outcomeOf));
  const ok = outcomes.filter((outcome) => outcome === 'ok').length;
  const refused = outcomes.filter((outcome) => outcome !== 'ok' && outcome.code === -32029).length;
  if (ok + refused !== outcomes.length) throw new Error(`Unexpected outcomes: ${JSON.stringify(outcomes)}`);
  return { ok, refused };
}

export function echoCalls(client: TestClient, count: number, tool = 'echo'): Promise<unknown>[] {
  const args = tool === 'add' ? { a: 1, b: 2 } : { text: 'x' };
  return Array.from({ length: count }, () => client.callTool(tool, args));
}
