/**
 * Issue 21: `POST /mcp` without a session id and with a body that never becomes a session, thousands of
 * times, against a server built per session. The observed server answers as the bare one, keeps no more
 * heap than it, and `/readyz?verbose` counts exactly the sessions that are open.
 */
import { connectHttp, SDK_VERSIONS, type TestClient } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { killFixtures, spawnFixture } from '../test/child.js';
import { observed, probe, until } from '../test/probe.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const JUNK = [
  '{"jsonrpc":',
  '',
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: 'x' } },
  }),
];
const WARM_UP = 200;
const REQUESTS = 2_000;
const PARALLEL = 10;
const SESSIONS = 3;
/**
 * What the observed server may keep beyond the bare one's growth. The growth of either varies by up to
 * 3 MiB from run to run (sockets, compiled code); before the fix it was about 45 KiB a request (90 MiB
 * for 2,000), so the bound is passed after about 180 leaked requests.
 */
const HEAP_BOUND_BYTES = 8 * 1024 * 1024;

afterEach(() => killFixtures());

async function start(sdk: string, variant: 'bare' | 'observed') {
  const child = spawnFixture('per-session-server.ts', [sdk, variant], {}, ['--expose-gc']);
  const [, baseUrl] = await child.waitForStderr(/LISTENING (\S+)\n/);
  return { child, baseUrl: baseUrl! };
}

/** Sends `count` junk POSTs, `PARALLEL` at a time; returns each distinct `status body` answer per junk body. */
async function sendJunk(baseUrl: string, count: number): Promise<Map<string, Set<string>>> {
  const answers = new Map<string, Set<string>>(JUNK.map((body) => [body, new Set()]));
  for (let sent = 0; sent < count; sent += PARALLEL) {
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, count - sent) }, async (_, index) => {
        const body = JUNK[(sent + index) % JUNK.length]!;
        const response = await fetch(`${baseUrl}/mcp`, { method: 'POST', headers: HEADERS, body });
        answers.get(body)!.add(`${response.status} ${await response.text()}`);
      }),
    );
  }
  return answers;
}

async function heapUsed(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/heap`);
  return ((await response.json()) as { heapUsed: number }).heapUsed;
}

describe.each(SDK_VERSIONS)('SDK %s, a server per session', (sdk) => {
  it(`${REQUESTS} session-less junk POSTs: answers and heap as the bare server's, readiness counts open sessions`, {
    timeout: 180_000,
  }, async () => {
    const servers = await Promise.all([start(sdk, 'bare'), start(sdk, 'observed')]);
    const clients: TestClient[] = [];
    try {
      for (const { baseUrl } of servers) {
        for (let index = 0; index < SESSIONS; index++) {
          clients.push(await connectHttp(sdk, new URL(`${baseUrl}/mcp`)));
        }
      }
      const results = await Promise.all(
        servers.map(async ({ baseUrl }) => {
          await sendJunk(baseUrl, WARM_UP);
          const before = await heapUsed(baseUrl);
          const answers = await sendJunk(baseUrl, REQUESTS);
          return { answers, growth: (await heapUsed(baseUrl)) - before };
        }),
      );
      const [bare, watched] = results.map((result) => result.answers);
      const growth = results.map((result) => result.growth);
      for (const body of JUNK) {
        expect([...watched!.get(body)!], `answers to ${JSON.stringify(body)}`).toEqual([...bare!.get(body)!]);
        expect(bare!.get(body)!.size).toBe(1);
      }
      const [bareGrowth, observedGrowth] = growth;
      process.stderr.write(
        `heap growth after ${REQUESTS} junk POSTs (SDK ${sdk}): bare ${bareGrowth} B, observed ${observedGrowth} B\n`,
      );
      expect(observedGrowth! - bareGrowth!).toBeLessThan(HEAP_BOUND_BYTES);

      const { baseUrl } = servers[1]!;
      const report = await probe(`${baseUrl}/readyz?verbose`);
      expect(report.status).toBe(200);
      expect(observed(report.body, 'transport:connected')).toBe(SESSIONS);
      expect(observed(report.body, 'requests:inFlight')).toBe(0);

      // A session that ends (DELETE) is no longer counted.
      const ending = clients[SESSIONS]!;
      const transport = (ending.raw as unknown as { transport?: { terminateSession(): Promise<void> } })
        .transport;
      await transport?.terminateSession();
      const after = await until(async () => {
        const answer = await probe(`${baseUrl}/readyz?verbose`);
        return observed(answer.body, 'transport:connected') === SESSIONS - 1 ? answer : undefined;
      }, 'the ended session to be forgotten');
      expect(after.status).toBe(200);
    } finally {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    }
  });
});
