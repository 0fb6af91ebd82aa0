/** A server in a real child process over stdio, driven by the SDK's StdioClientTransport. */
import { StdioClientTransport as V1StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { SdkVersion } from './example-server.js';
import { type ClientIdentity, connectClient, type TestClient } from './test-client.js';

export interface StdioChild {
  readonly client: TestClient;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Everything the child wrote to stdout so far, byte for byte (the stdio transport's own channel). */
  stdout(): string;
  /** The complete stdout lines that are not JSON-RPC 2.0 messages: anything there breaks real clients. */
  foreignStdoutLines(): string[];
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
  // Read stdout raw, next to the transport: its parser drops lines that are not JSON-RPC.
  let stdout = '';
  const start = transport.start;
  transport.start = function startAndTapStdout(this: V1StdioClientTransport) {
    const starting = start.call(this);
    const child = (this as unknown as { _process?: { stdout?: NodeJS.ReadableStream | null } })._process;
    child?.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    return starting;
  };
  const connected = await connectClient(options.sdk, transport, options.identity);
  // Closing the client (or the child) rejects when anything but JSON-RPC reached stdout meanwhile.
  const close = async (): Promise<void> => {
    await connected.close();
    const foreign = foreignLines(stdout);
    if (foreign.length > 0) {
      throw new Error(
        `The stdio server wrote ${foreign.length} non-JSON-RPC line(s) to stdout: ${JSON.stringify(foreign.slice(0, 3))}`,
      );
    }
  };
  const client: TestClient = { ...connected, close };
  return {
    client,
    stderr: () => stderr,
    stdout: () => stdout,
    foreignStdoutLines: () => foreignLines(stdout),
    get pid() {
      return transport.pid;
    },
    close,
  };
}

function foreignLines(stdout: string): string[] {
  const lines = stdout.split('\n');
  lines.pop(); // an unfinished last line is not judged yet
  return lines.filter((line) => {
    try {
      const message = JSON.parse(line) as { jsonrpc?: unknown };
      return typeof message !== 'object' || message === null || message.jsonrpc !== '2.0';
    } catch {
      return true;
    }
  });
}
