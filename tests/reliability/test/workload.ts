/**
 * A fixed workload over the raw in-memory transport: a handshake, then rounds of every kind of call the
 * example server answers (success, tool errors, thrown errors, unknown names, prompts, resources). The
 * answers, sorted, are compared between a bare server and an observed one under a fault.
 */
import { connectRaw, type ExampleServer, type SdkVersion } from '@mcpscope/test-kit';
import { until } from './until.js';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 'init',
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'workload', version: '1' } },
};

function round(index: number): Record<string, unknown>[] {
  const call = (suffix: string, method: string, params?: Record<string, unknown>) => ({
    jsonrpc: '2.0',
    id: `${index}-${suffix}`,
    method,
    ...(params === undefined ? {} : { params }),
  });
  const tool = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: args });
  return [
    call('echo', 'tools/call', tool('echo', { text: `round ${index}` })),
    call('add', 'tools/call', tool('add', { a: index, b: 2 })),
    call('slow', 'tools/call', tool('slow', { ms: 1 })),
    call('fail', 'tools/call', tool('fail')),
    call('soft', 'tools/call', tool('soft_fail')),
    call('invalid', 'tools/call', tool('add', { a: 'not a number' })),
    call('unknown', 'tools/call', tool('no_such_tool')),
    call('greet', 'prompts/get', { name: 'greet', arguments: { name: 'Ada' } }),
    call('broken-prompt', 'prompts/get', { name: 'broken', arguments: {} }),
    call('config', 'resources/read', { uri: 'config://app' }),
    call('broken-resource', 'resources/read', { uri: 'broken://resource' }),
    call('ping', 'ping'),
    call('list', 'tools/list'),
    call('nope', 'no/such/method'),
  ];
}

/** Requests in one round. */
export const REQUESTS_PER_ROUND = round(0).length;

export interface WorkloadRun {
  /** Every answer, canonical JSON, sorted. */
  readonly answers: string[];
  close(): Promise<void>;
}

/** Runs `rounds` rounds (after a handshake) and waits for every answer. Leaves the connection open. */
export async function runWorkload(
  server: ExampleServer,
  sdk: SdkVersion,
  rounds: number,
  firstRound = 0,
): Promise<WorkloadRun> {
  const connection = await connectRaw(server, sdk);
  await connection.send(INITIALIZE);
  await until(() => connection.received.length === 1, 'the initialize answer');
  await connection.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  const expected = 1 + rounds * REQUESTS_PER_ROUND;
  for (let index = firstRound; index < firstRound + rounds; index++) {
    for (const message of round(index)) await connection.send(message);
  }
  await until(() => connection.received.length >= expected, `${expected} answers`, 30_000);
  return {
    answers: connection.received.map((message) => JSON.stringify(message)).sort(),
    close: () => connection.close(),
  };
}
