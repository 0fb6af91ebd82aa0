/**
 * Client side: `instrumentClient(client)` traces an MCP SDK `Client` (v1 `@modelcontextprotocol/sdk`,
 * v2 `@modelcontextprotocol/client`) by replacing `connect` and, on each transport it connects, `send`,
 * `onmessage` and `onclose` in place. No Proxy: the same instance is returned.
 */
import {
  ClientConnection,
  type ClientSettings,
  type ClientTransport,
  type SdkClient,
} from './client-connection.js';
import { toolPayloadRecorder } from './tool-payload.js';
import { tracerSource } from './tracer.js';
import type { ClientTracingOptions } from './types.js';

const instrumentedClients = new WeakSet<object>();
const tracedTransports = new WeakSet<object>();

function traceTransport(transport: ClientTransport, client: SdkClient, settings: ClientSettings): void {
  if (typeof transport !== 'object' || transport === null || tracedTransports.has(transport)) return;
  if (typeof transport.send !== 'function') return;
  tracedTransports.add(transport);
  new ClientConnection(transport, client, settings);
}

/**
 * Traces an MCP `Client`: a CLIENT span per request it sends, with trace context injected into the
 * request's `params._meta` so the server's span joins the same trace. Call it before or after
 * `connect`; calling it again is a no-op.
 */
export function instrumentClient<Client extends object>(
  client: Client,
  options: ClientTracingOptions = {},
): Client {
  const sdkClient = client as unknown as SdkClient;
  if (typeof sdkClient.connect !== 'function') {
    throw new TypeError(
      'instrumentClient() takes an MCP Client from @modelcontextprotocol/sdk (1.x) or @modelcontextprotocol/client (2.x).',
    );
  }
  if (instrumentedClients.has(client)) return client;
  instrumentedClients.add(client);
  const {
    tracerProvider,
    preferAmbientParent = false,
    resourceUriInSpanName = false,
    callerErrors = 'error',
  } = options;
  const settings: ClientSettings = {
    tracer: tracerSource(tracerProvider),
    preferAmbientParent,
    resourceUriInSpanName,
    callerErrors,
    payloads: toolPayloadRecorder(options),
  };
  const connect = sdkClient.connect;
  sdkClient.connect = function instrumentedConnect(
    this: unknown,
    transport: ClientTransport,
    ...rest: unknown[]
  ) {
    try {
      traceTransport(transport, sdkClient, settings);
    } catch {
      // Tracing never stands in the way of connecting.
    }
    return connect.call(this, transport, ...rest);
  };
  const live = sdkClient.transport;
  if (live !== undefined) traceTransport(live, sdkClient, settings);
  return client;
}
