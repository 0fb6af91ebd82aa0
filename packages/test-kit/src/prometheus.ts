/**
 * Debian's `prometheus` package, for real: `promtool check metrics`, and a Prometheus server started
 * on a free loopback port with a generated config and a temporary storage directory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set MCPSCOPE_SKIP_PROMETHEUS=1 to skip (visibly) the tests that need the binaries. */
export const SKIP_PROMETHEUS = process.env.MCPSCOPE_SKIP_PROMETHEUS === '1';

/** Fails with a clear message when a binary of Debian's prometheus package is missing. */
export function requireBinary(name: 'promtool' | 'prometheus'): string {
  const found = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (found.error !== undefined || found.status !== 0) {
    throw new Error(
      `\`${name}\` was not found on PATH. Install Debian's prometheus package ` +
        '(apt-get update && apt-get install -y prometheus), or set MCPSCOPE_SKIP_PROMETHEUS=1 to skip these tests.',
    );
  }
  return name;
}

/** Runs `promtool check metrics` on an exposition (Prometheus text format) given on stdin. */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const result = spawnSync(requireBinary('promtool'), ['check', 'metrics'], {
    input: exposition,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export interface RunningPrometheus {
  readonly url: string;
  /** An instant PromQL query. */
  query(promql: string): Promise<VectorSample[]>;
  /** Exemplars of a series selector over the last minute. */
  exemplars(
    selector: string,
  ): Promise<{ seriesLabels: Record<string, string>; labels: Record<string, string> }[]>;
  /** The scrape targets' health and last error. */
  targets(): Promise<{ health: string; lastError: string; scrapeUrl: string }[]>;
  logs(): string;
  stop(): Promise<void>;
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus API error for ${url}: ${body.error}`);
  return body.data;
}

export async function startPrometheus(options: {
  /** `host:port` to scrape (`/metrics`, every second). */
  readonly target: string;
  readonly bearerToken?: string;
  /** The job label. Default `mcp`. */
  readonly job?: string;
}): Promise<RunningPrometheus> {
  const binary = requireBinary('prometheus');
  const directory = await mkdtemp(join(tmpdir(), 'mcpscope-prometheus-'));
  const port = await freePort();
  const authorization =
    options.bearerToken === undefined
      ? ''
      : `    authorization:\n      credentials: ${options.bearerToken}\n`;
  const config =
    'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n' +
    `scrape_configs:\n  - job_name: ${options.job ?? 'mcp'}\n    metrics_path: /metrics\n` +
    authorization +
    `    static_configs:\n      - targets: ['${options.target}']\n`;
  const configFile = join(directory, 'prometheus.yml');
  await writeFile(configFile, config);
  let logs = '';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
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
    url,
    logs: () => logs,
    stop,
    async query(promql) {
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
        `${url}/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      return data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
    },
    async exemplars(selector) {
      const end = Date.now() / 1000;
      const data = await api<
        { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string> }[] }[]
      >(
        `${url}/api/v1/query_exemplars?query=${encodeURIComponent(selector)}&start=${end - 60}&end=${end + 1}`,
      );
      return data.flatMap((series) =>
        series.exemplars.map((exemplar) => ({ seriesLabels: series.seriesLabels, labels: exemplar.labels })),
      );
    },
    async targets() {
      const data = await api<{ activeTargets: { health: string; lastError: string; scrapeUrl: string }[] }>(
        `${url}/api/v1/targets`,
      );
      return data.activeTargets;
    },
  };
}
