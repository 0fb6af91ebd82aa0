/**
 * A real redis-server (Debian's package) on a free 127.0.0.1 port, started and stopped by the test.
 * Without redis-server the tests fail with a clear message, unless MCPSCOPE_SKIP_REDIS=1.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { freePort } from '@mcpscope/test-kit';
import { Redis } from 'ioredis';

export const SKIP_REDIS = process.env.MCPSCOPE_SKIP_REDIS === '1';

function redisServerPath(): string {
  try {
    return execFileSync('/bin/sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'redis-server is not installed: the Redis store tests need it (apt-get install -y redis-server). ' +
        'Set MCPSCOPE_SKIP_REDIS=1 to skip them.',
    );
  }
}

export interface RunningRedis {
  readonly port: number;
  /** A new client; the test closes it (or `stop` does). */
  client(options?: { enableOfflineQueue?: boolean }): Redis;
  /** Kills the server (SIGKILL: it goes away as in a crash) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts the server again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    redisServerPath(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000).unref();
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  let child = await launch(port);
  const clients: Redis[] = [];
  return {
    port,
    client(options = {}) {
      const client = new Redis({ host: '127.0.0.1', port, lazyConnect: false, ...options });
      // Reconnection errors while a test stops Redis on purpose are expected; the store reports its own.
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      child = await launch(port);
    },
    async stop() {
      for (const client of clients) client.disconnect();
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
