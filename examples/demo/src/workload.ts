/**
 * A realistic workload for the weather example, driven by the real MCP SDK client over Streamable HTTP:
 * three clients (sessions) calling tools concurrently, with successes, tool errors, invalid arguments,
 * an unknown tool, invalid prompt params, progress, cancellations and a burst of concurrent calls.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

type Call = (client: Client) => Promise<unknown>;

const CITIES = ['Lisbon', 'Oslo', 'Nairobi', 'Vancouver', 'Kyoto', 'Montevideo', 'Reykjavik', 'Perth'];
// Every radar failure names its own station. Sentry's default Dedupe integration drops an event identical
// to the one just before it, and with concurrent clients two identical failures can arrive back to back.
const STATIONS = ['LIS', 'OSL', 'NBO', 'YVR', 'KIX', 'MVD', 'KEF', 'PER'];

const tool =
  (
    name: string,
    args: Record<string, unknown>,
    options?: { signal?: AbortSignal; onprogress?: () => void },
  ): Call =>
  (client) =>
    client.callTool({ name, arguments: args }, undefined, options);

function cancelledAfter(ms: number): Call {
  return (client) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort('the user moved on'), ms);
    return client.callTool({ name: 'slow_report', arguments: { seconds: 5 } }, undefined, {
      signal: controller.signal,
    });
  };
}

/** The calls, in the order they are issued (each client runs its share concurrently). */
export function plannedCalls(): Call[] {
  const calls: Call[] = [];
  for (let index = 0; index < 60; index++) {
    calls.push(tool('get_forecast', { city: CITIES[index % CITIES.length]!, days: 1 + (index % 5) }));
    if (index % 3 === 0) calls.push(tool('get_alerts', { region: index % 2 === 0 ? 'north' : 'coast' }));
    if (index % 5 === 0) calls.push(tool('convert', { value: index, from: 'celsius', to: 'fahrenheit' }));
    if (index % 8 === 0) calls.push(tool('radar_image', { station: STATIONS[index / 8]! }));
    if (index % 10 === 0) calls.push(tool('get_forecast', { city: 'Oslo', days: 99 }));
    if (index % 12 === 0) calls.push(tool('convert', { value: 3, from: 'knots', to: 'celsius' }));
    if (index % 15 === 0) calls.push(tool('get_satellite_image', { station: 'LIS' }));
    if (index % 15 === 0)
      calls.push((client) => client.getPrompt({ name: 'weather_brief', arguments: { city: 'Oslo' } }));
    if (index % 20 === 0) calls.push((client) => client.getPrompt({ name: 'weather_brief', arguments: {} }));
    if (index % 20 === 0) calls.push((client) => client.readResource({ uri: 'weather://stations' }));
  }
  calls.push(tool('slow_report', { seconds: 1 }, { onprogress: () => undefined }));
  calls.push(tool('slow_report', { seconds: 1 }, { onprogress: () => undefined }));
  calls.push(cancelledAfter(300), cancelledAfter(300), cancelledAfter(500));
  return calls;
}

export interface WorkloadOptions {
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with each client before it connects (e.g. to instrument it for tracing). */
  readonly prepareClient?: (client: Client) => void;
}

export interface WorkloadReport {
  readonly calls: number;
  readonly answered: number;
  readonly rejected: number;
  readonly sessions: number;
}

const CLIENTS = [
  { name: 'claude-desktop', version: '1.4.2' },
  { name: 'cursor', version: '0.45.0' },
  { name: 'mcp-inspector', version: '0.16.1' },
];

export interface ConnectedClient {
  readonly client: Client;
  /** Ends the session on the server (HTTP DELETE), then closes the client. */
  close(): Promise<void>;
}

export async function connectClient(
  url: URL,
  identity: { name: string; version: string },
  prepare?: (client: Client) => void,
): Promise<ConnectedClient> {
  const client = new Client(identity);
  prepare?.(client);
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  return {
    client,
    async close() {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

/**
 * Runs the workload: a short visit (list the tools, leave), then three sessions with eight calls in flight
 * each, then a burst of 40 concurrent calls.
 */
export async function runWorkload(url: URL, options: WorkloadOptions = {}): Promise<WorkloadReport> {
  const calls = plannedCalls();
  const burst = Array.from({ length: 40 }, (_, index) =>
    tool('get_forecast', { city: CITIES[index % CITIES.length]!, days: 2 }),
  );
  const total = calls.length + burst.length + 1;
  let done = 0;
  let rejected = 0;
  const settle = async (call: Call, client: Client) => {
    await call(client).catch(() => rejected++);
    options.onProgress?.(++done, total);
  };
  // A client that only looks around: it lists the tools and leaves.
  const visitor = await connectClient(
    url,
    { name: 'mcp-inspector', version: '0.16.1' },
    options.prepareClient,
  );
  await visitor.client.listTools();
  await visitor.close();
  options.onProgress?.(++done, total);
  const sessions = await Promise.all(
    CLIENTS.map((identity) => connectClient(url, identity, options.prepareClient)),
  );
  let next = 0;
  await Promise.all(
    sessions.flatMap(({ client }) =>
      Array.from({ length: 8 }, async () => {
        while (next < calls.length) await settle(calls[next++]!, client);
      }),
    ),
  );
  await Promise.all(burst.map((call, index) => settle(call, sessions[index % sessions.length]!.client)));
  await Promise.all(sessions.map((session) => session.close()));
  return { calls: total, answered: total - rejected, rejected, sessions: sessions.length + 1 };
}
