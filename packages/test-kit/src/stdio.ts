/** A server in a real child process over stdio, driven by the SDK's StdioClientTransport. */
import { StdioClientTransport as V1StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { SdkVersion } from './example-server.js';
import { type ClientIdentity, connectClient, type TestClient } from './test-client.js';

export interface StdioChild {
  readonly client: TestClient;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Process id of the child. */
  readonly pid: number | null;
  close(): Promise<void>;
}

/**
 * Spawns `node --import tsx <script>` with the given arguments and connects a real client. The v1
 * client transport is used for both SDKs' servers (stdio framing is the same).
 */
export async function spawnStdioServer(
  script: string,
  options: {
    sdk: SdkVersion;
    args?: readonly string[];
    env?: Record<string, string>;
    identity?: ClientIdentity;
  },
): Promise<StdioChild> {
  let stderr = '';
  const transport = new V1StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', script, ...(options.args ?? [])],
    env: { ...(process.env as Record<string, string>), ...options.env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = await connectClient(options.sdk, transport, options.identity);
  return {
    client,
    stderr: () => stderr,
    get pid() {
      return transport.pid;
    },
    close: () => client.close(),
  };
}
