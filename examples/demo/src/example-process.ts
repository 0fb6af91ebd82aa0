/** Runs the HTTP example in its own process, the way it runs in production, and reads its stderr. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ExampleProcess {
  readonly url: URL;
  readonly baseUrl: string;
  /** Every line the example wrote on stderr (its pino log lines, the health plugin's drain lines). */
  readonly stderrLines: string[];
  /** Sends SIGTERM and resolves with the exit code once the example drained and exited. */
  stop(): Promise<number | null>;
}

const MAIN = fileURLToPath(new URL('../../http-server/src/main.ts', import.meta.url));

export async function startExample(env: Record<string, string>): Promise<ExampleProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderrLines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let pending = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        stderrLines.push(line);
        const url = /"url":"([^"]+)"/.exec(line)?.[1];
        if (url !== undefined && line.includes('listening')) resolve(url);
      }
    });
    void exited.then((code) =>
      reject(new Error(`the example exited (${code}) before listening:\n${stderrLines.join('\n')}`)),
    );
  });
  const url = new URL(await listening);
  return {
    url,
    baseUrl: url.origin,
    stderrLines,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (pending !== '') stderrLines.push(pending);
      return code;
    },
  };
}
