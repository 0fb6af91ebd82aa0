/** One client interface over the v1 and v2 SDK clients, so a test runs unchanged against both. */

import { Client as V2Client } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport as V1Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { z } from 'zod';
import type { SdkVersion } from './example-server.js';

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeout?: number;
  /** Sets `_meta.progressToken` and receives the server's progress notifications for the call. */
  readonly onprogress?: (progress: { progress: number }) => void;
}

export interface TestClient {
  readonly sdk: SdkVersion;
  callTool(
    name: string,
    args?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<Record<string, unknown>>;
  getPrompt(name: string, args?: Record<string, string>): Promise<Record<string, unknown>>;
  readResource(uri: string): Promise<Record<string, unknown>>;
  /** Any method, answered with whatever result the server sends. */
  request(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<unknown>;
  close(): Promise<void>;
  readonly raw: V1Client | V2Client;
}

const anyResult = z.looseObject({});

export interface ClientIdentity {
  readonly name?: string;
  readonly version?: string;
  /** v2 only: pin the 2026-07-28 (modern) protocol era instead of the legacy initialize handshake. */
  readonly modern?: boolean;
}

export async function connectClient(
  sdk: SdkVersion,
  transport: unknown,
  identity: ClientIdentity = {},
): Promise<TestClient> {
  const info = { name: identity.name ?? 'test-client', version: identity.version ?? '1.2.3' };
  if (sdk === 'v1') {
    const client = new V1Client(info);
    await client.connect(transport as V1Transport);
    return {
      sdk,
      raw: client,
      callTool: (name, args = {}, options) =>
        client.callTool({ name, arguments: args }, undefined, options) as Promise<Record<string, unknown>>,
      getPrompt: (name, args = {}) => client.getPrompt({ name, arguments: args }),
      readResource: (uri) => client.readResource({ uri }),
      request: (method, params, options) => client.request({ method, params }, anyResult, options),
      close: () => client.close(),
    };
  }
  const client = new V2Client(
    info,
    identity.modern === true ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : undefined,
  );
  await client.connect(transport as Parameters<V2Client['connect']>[0]);
  return {
    sdk,
    raw: client,
    callTool: (name, args = {}, options) =>
      client.callTool({ name, arguments: args }, options) as Promise<Record<string, unknown>>,
    getPrompt: (name, args = {}) => client.getPrompt({ name, arguments: args }),
    readResource: (uri) => client.readResource({ uri }),
    request: (method, params, options) =>
      (client.request as (...args: unknown[]) => Promise<unknown>)({ method, params }, anyResult, options),
    close: () => client.close(),
  };
}
