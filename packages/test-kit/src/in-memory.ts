import { InMemoryTransport as V1InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { InMemoryTransport as V2InMemoryTransport } from '@modelcontextprotocol/server';
import type { ExampleServer, SdkVersion } from './example-server.js';
import { type ClientIdentity, connectClient, type TestClient } from './test-client.js';

type Connectable = { connect(transport: never): Promise<void> };

/** Connects a server and a real SDK client over the SDK's in-memory transport pair. */
export async function connectInMemory(
  server: ExampleServer | Connectable,
  sdk: SdkVersion,
  identity?: ClientIdentity,
): Promise<TestClient> {
  return (await connectInMemoryPair(server, sdk, identity)).client;
}

/** The same, also handing back the server's side of the pair (to fail or watch the transport itself). */
export async function connectInMemoryPair(
  server: ExampleServer | Connectable,
  sdk: SdkVersion,
  identity?: ClientIdentity,
): Promise<{ client: TestClient; serverSide: V1InMemoryTransport | V2InMemoryTransport }> {
  const [clientSide, serverSide] =
    sdk === 'v1' ? V1InMemoryTransport.createLinkedPair() : V2InMemoryTransport.createLinkedPair();
  await (server as { connect(transport: unknown): Promise<void> }).connect(serverSide);
  return { client: await connectClient(sdk, clientSide, identity), serverSide };
}

export interface RawConnection {
  /** Sends any value as a message to the server, exactly as given. */
  send(message: unknown): Promise<void>;
  /** Every message the server sent, in order. */
  readonly received: unknown[];
  close(): Promise<void>;
}

/** A raw in-memory peer that sends arbitrary (even malformed) messages to the server. */
export async function connectRaw(
  server: ExampleServer | Connectable,
  sdk: SdkVersion,
): Promise<RawConnection> {
  const [clientSide, serverSide] =
    sdk === 'v1' ? V1InMemoryTransport.createLinkedPair() : V2InMemoryTransport.createLinkedPair();
  const received: unknown[] = [];
  clientSide.onmessage = (message: unknown) => {
    received.push(message);
  };
  await clientSide.start();
  await (server as { connect(transport: unknown): Promise<void> }).connect(serverSide);
  return {
    received,
    send: (message) => (clientSide.send as (message: unknown) => Promise<void>)(message),
    close: () => clientSide.close(),
  };
}
