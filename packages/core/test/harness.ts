/**
 * One observed example server behind each real transport, with the same view of what happened: the
 * lifecycle events core reported and how often each handler ran.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ClientIdentity,
  connectHttp,
  connectInMemory,
  createExampleServer,
  type ExampleServer,
  HandlerCalls,
  type HttpMode,
  type RunningHttpServer,
  type SdkVersion,
  spawnStdioServer,
  startHttpServer,
  type TestClient,
  waitFor,
} from '@mcpscope/test-kit';
import { observe } from '../src/index.js';
import { fileRecorder, type RecordedEvent } from './fixtures/file-recorder.js';

export type HarnessKind =
  | 'in-memory'
  | 'http-stateful'
  | 'http-stateless'
  | 'http-handler'
  | 'http-sse'
  | 'stdio';

export const HARNESS_KINDS: Record<SdkVersion, readonly HarnessKind[]> = {
  v1: ['in-memory', 'http-stateful', 'http-stateless', 'http-sse', 'stdio'],
  v2: ['in-memory', 'http-stateful', 'http-stateless', 'http-handler', 'stdio'],
};

export interface Harness {
  readonly kind: HarnessKind;
  readonly sdk: SdkVersion;
  /** A client connected through a new session (a new server instance where the transport needs one). */
  connect(identity?: ClientIdentity): Promise<TestClient>;
  events(): RecordedEvent[];
  starts(): RecordedEvent[];
  ends(): RecordedEvent[];
  handlerRuns(name: string): number;
  /** Waits until every started request has ended. */
  settled(): Promise<void>;
  /** Closes the server side (every server instance) while clients may still wait. */
  closeServers(): Promise<void>;
  dispose(): Promise<void>;
}

const STDIO_SERVER = fileURLToPath(new URL('./fixtures/stdio-server.ts', import.meta.url));

function inFlightOf(events: RecordedEvent[]): number {
  let open = 0;
  for (const event of events) {
    if (event.hook === 'start') open++;
    else if (event.hook === 'end') open--;
  }
  return open;
}

const HTTP_MODES: Partial<Record<HarnessKind, HttpMode>> = {
  'http-stateful': 'stateful',
  'http-stateless': 'stateless',
  'http-handler': 'handler',
  'http-sse': 'sse',
};

function inProcessHarness(kind: HarnessKind, sdk: SdkVersion): Harness {
  const recorded: RecordedEvent[] = [];
  const calls = new HandlerCalls();
  const recorder = fileRecorder((event) => recorded.push(event));
  const servers = new Set<ExampleServer>();
  const clients: TestClient[] = [];
  let http: RunningHttpServer | undefined;
  const createServer = (): ExampleServer => {
    const server = observe(createExampleServer({ sdk, calls })).use(recorder);
    servers.add(server);
    return server;
  };
  const harness: Harness = {
    kind,
    sdk,
    async connect(identity) {
      let client: TestClient;
      if (kind === 'in-memory') {
        client = await connectInMemory(createServer(), sdk, identity);
      } else {
        const mode = HTTP_MODES[kind]!;
        http ??= await startHttpServer({ sdk, mode, createServer });
        client = await connectHttp(sdk, http.url, identity, { sse: mode === 'sse' });
      }
      clients.push(client);
      return client;
    },
    events: () => recorded,
    starts: () => recorded.filter((event) => event.hook === 'start'),
    ends: () => recorded.filter((event) => event.hook === 'end'),
    handlerRuns: (name) => calls.count(name),
    settled: () => waitFor(() => inFlightOf(recorded) === 0, 'every started request to end'),
    async closeServers() {
      await Promise.all([...servers].map((server) => server.close()));
    },
    async dispose() {
      await Promise.allSettled(clients.map((client) => client.close()));
      await http?.close();
      await Promise.allSettled([...servers].map((server) => server.close()));
    },
  };
  return harness;
}

function stdioHarness(sdk: SdkVersion): Harness {
  const directory = mkdtempSync(join(tmpdir(), 'mcpscope-stdio-'));
  const children: Awaited<ReturnType<typeof spawnStdioServer>>[] = [];
  const eventFiles: string[] = [];
  const read = (): RecordedEvent[] =>
    eventFiles.flatMap((file) => {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as RecordedEvent);
    });
  return {
    kind: 'stdio',
    sdk,
    async connect(identity) {
      const file = join(directory, `events-${eventFiles.length}.jsonl`);
      eventFiles.push(file);
      const child = await spawnStdioServer(STDIO_SERVER, {
        sdk,
        args: [sdk, file],
        ...(identity === undefined ? {} : { identity }),
      });
      children.push(child);
      return child.client;
    },
    events: read,
    starts: () => read().filter((event) => event.hook === 'start'),
    ends: () => read().filter((event) => event.hook === 'end'),
    handlerRuns: (name) => read().filter((event) => event.hook === 'handler' && event.name === name).length,
    settled: () => waitFor(() => inFlightOf(read()) === 0, 'every started request to end'),
    async closeServers() {
      for (const child of children) if (child.pid !== null) process.kill(child.pid, 'SIGUSR2');
    },
    async dispose() {
      await Promise.allSettled(children.map((child) => child.close()));
      rmSync(directory, { recursive: true, force: true });
      // Nothing but JSON-RPC may reach a stdio server's stdout.
      const foreign = children.flatMap((child) => child.foreignStdoutLines());
      if (foreign.length > 0)
        throw new Error(`non-JSON-RPC lines on stdout: ${JSON.stringify(foreign.slice(0, 3))}`);
    },
  };
}

export function createHarness(kind: HarnessKind, sdk: SdkVersion): Harness {
  return kind === 'stdio' ? stdioHarness(sdk) : inProcessHarness(kind, sdk);
}

/** Each started request id has exactly one end, per connection-scoped list of events. */
export function startsAndEndsPair(events: RecordedEvent[]): boolean {
  return (
    inFlightOf(events) === 0 &&
    events.filter((event) => event.hook === 'start').length ===
      events.filter((event) => event.hook === 'end').length
  );
}
