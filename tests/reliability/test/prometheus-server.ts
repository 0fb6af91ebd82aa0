/**
 * A real Prometheus (Debian's prometheus package) scraping one target every second, on a free loopback
 * port with a temporary storage directory. It negotiates OpenMetrics, as Prometheus does by default.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningPrometheus {
  /** Instant query: each series' labels and value. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  targets(): Promise<{ health: string; lastError: string }[]>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function api<T>(url: string): Promise<T> {
  const body = (await (await fetch(url)).json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus API error for ${url}: ${body.error}`);
  return body.data;
}

export async function startPrometheus(target: string): Promise<RunningPrometheus> {
  if (spawnSync('prometheus', ['--version']).status !== 0) {
    throw new Error("`prometheus` was not found on PATH: install Debian's prometheus package.");
  }
  const directory = await mkdtemp(join(tmpdir(), 'mcpscope-reliability-prometheus-'));
  const port = await freePort();
  const configFile = join(directory, 'prometheus.yml');
  await writeFile(
    configFile,
    'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: mcp\n' +
      `    static_configs:\n      - targets: ['${target}']\n`,
  );
  let logs = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    logs += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    logs += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited early:\n${logs}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    stop,
    async query(promql) {
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
        `${url}/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      return data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
    },
    async targets() {
      return (await api<{ activeTargets: { health: string; lastError: string }[] }>(`${url}/api/v1/targets`))
        .activeTargets;
    },
  };
}
