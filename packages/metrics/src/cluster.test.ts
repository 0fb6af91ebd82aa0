import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectHttp, promtoolCheckMetrics, SDK_VERSIONS, SKIP_PROMETHEUS } from '@mcpscope/test-kit';
import { prometheusContentType } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { select, total } from '../test/exposition-parser.js';
import { scrapeUrl } from '../test/scrape.js';

const fixture = fileURLToPath(new URL('../test/cluster-primary.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

interface RunningCluster {
  readonly metricsUrl: string;
  readonly workers: { readonly mcpUrl: string; readonly routes: string[] }[];
}

async function startCluster(sdk: string): Promise<RunningCluster> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, sdk], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line !== undefined && stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => reject(new Error(`cluster exited with ${code}:\n${stderr}`)));
  });
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('cluster workers expose one aggregated /metrics through the primary', async () => {
    const { metricsUrl, workers } = await startCluster(sdk);
    // Both workers listen on the port they share; connections are spread between them.
    const mcpUrls = workers.map((worker) => worker.mcpUrl);
    expect(mcpUrls).toHaveLength(2);
    expect(new Set(mcpUrls).size).toBe(1);
    // Workers serve no /metrics of their own (a scrape would see one worker).
    expect(workers.map((worker) => worker.routes)).toEqual([[], []]);
    const calls = 6;
    for (let index = 0; index < calls; index++) {
      const client = await connectHttp(sdk, new URL(mcpUrls[0]!));
      await client.callTool('echo', { text: `call ${index}` });
      await client.close();
    }

    expect((await scrapeUrl(metricsUrl)).status).toBe(401);
    const scraped = await scrapeUrl(metricsUrl, {
      authorization: 'Bearer cluster-token',
      accept: 'application/openmetrics-text',
    });
    expect(scraped.status).toBe(200);
    // prom-client aggregates into the text format only.
    expect(scraped.contentType).toBe(prometheusContentType);
    // Worker 1 made one `add` call and worker 2 two: one series, the sum of both workers.
    const add = select(scraped.samples, 'mcp_server_operation_duration_seconds_count', {
      gen_ai_tool_name: 'add',
    });
    expect(add.map((sample) => [sample.labels.mcp_request_outcome, sample.value])).toEqual([['ok', 3]]);
    const echo = { gen_ai_tool_name: 'echo', mcp_request_outcome: 'ok', network_transport: 'tcp' };
    expect(total(scraped.samples, 'mcp_server_operation_duration_seconds_count', echo)).toBe(calls);
    expect(total(scraped.samples, 'mcp_server_active_requests')).toBe(0);
    expect(total(scraped.samples, 'mcp_server_session_duration_seconds_count', {})).toBeGreaterThanOrEqual(2);
    if (!SKIP_PROMETHEUS) expect(promtoolCheckMetrics(scraped.body)).toEqual({ status: 0, output: '' });
  });
});
