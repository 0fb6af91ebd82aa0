/** Real SDK clients (v1 and v2), built here so they can be instrumented before they connect. */
import type { SdkVersion } from '@mcpscope/test-kit';
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2HttpTransport,
} from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport as V1InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryTransport as V2InMemoryTransport } from '@modelcontextprotocol/server';
import { z } from 'zod';

export type AnyClient = V1Client | V2Client;

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly onprogress?: (progress: { progress: number }) => void;
}

const SAMPLED = {
  model: 'test-model',
  role: 'assistant' as const,
  content: { type: 'text' as const, text: 'hi from the model' },
};

export interface ClientOptions {
  /** Declare sampling and answer sampling/createMessage with this callback's side effect. */
  readonly onSample?: () => void;
  /** v2 only: the 2026-07-28 protocol era. */
  readonly modern?: boolean;
}

export function newClient(sdk: SdkVersion, options: ClientOptions = {}): AnyClient {
  const info = { name: 'traced-client', version: '1.0.0' };
  const capabilities = options.onSample === undefined ? {} : { sampling: {} };
  if (sdk === 'v1') {
    const client = new V1Client(info, { capabilities });
    if (options.onSample !== undefined) {
      const onSample = options.onSample;
      client.setRequestHandler(CreateMessageRequestSchema, async () => {
        onSample();
        return SAMPLED;
      });
    }
    return client;
  }
  const client = new V2Client(info, {
    capabilities,
    ...(options.modern === true ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}),
  });
  if (options.onSample !== undefined) {
    const onSample = options.onSample;
    client.setRequestHandler('sampling/createMessage', async () => {
      onSample();
      return SAMPLED;
    });
  }
  return client;
}

export function httpTransport(sdk: SdkVersion, url: URL): unknown {
  return sdk === 'v1' ? new V1HttpTransport(url) : new V2HttpTransport(url);
}

/** Connects a client and a server over the SDK's in-memory pair. */
export async function connectPair(server: object, client: AnyClient, sdk: SdkVersion): Promise<void> {
  const [clientSide, serverSide] =
    sdk === 'v1' ? V1InMemoryTransport.createLinkedPair() : V2InMemoryTransport.createLinkedPair();
  await (server as { connect(transport: unknown): Promise<void> }).connect(serverSide);
  await (client as { connect(transport: unknown): Promise<void> }).connect(clientSide);
}

export function connectClient(client: AnyClient, transport: unknown): Promise<void> {
  return (client as { connect(transport: unknown): Promise<void> }).connect(transport);
}

export function callTool(
  client: AnyClient,
  name: string,
  args: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<Record<string, unknown>> {
  if (client instanceof V1Client) {
    return client.callTool({ name, arguments: args }, undefined, options) as Promise<Record<string, unknown>>;
  }
  return client.callTool({ name, arguments: args }, options) as Promise<Record<string, unknown>>;
}

export function request(
  client: AnyClient,
  method: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  return (client.request as (...args: unknown[]) => Promise<unknown>)({ method, params }, z.looseObject({}));
}
