/**
 * A real Prometheus (Debian's binary, on a free loopback port) scrapes the HTTP example while the demo's
 * workload runs; then every dashboard panel's query, and every alert expression, is evaluated against it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExampleProcess, startExample } from '@mcpscope/demo/example-process';
import { runWorkload } from '@mcpscope/demo/workload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PANELS, substituteVariables } from './panels.js';

interface QueryResult {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const prometheusAvailable = spawnSync('prometheus', ['--version']).status === 0;
if (!prometheusAvailable && process.env.MCPSCOPE_SKIP_PROMETHEUS !== '1') {
  throw new Error(
    "These tests need Debian's prometheus package (apt-get install prometheus), or MCPSCOPE_SKIP_PROMETHEUS=1.",
  );
}

describe.skipIf(!prometheusAvailable)('dashboard and alert queries against a real Prometheus', () => {
  let example: ExampleProcess;
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let storage: string;
  let workloadCalls = 0;

  const query = async (expr: string): Promise<QueryResult> => {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await response.json()) as QueryResult;
  };

  beforeAll(async () => {
    example = await startExample({});
    storage = mkdtempSync(join(tmpdir(), 'mcpscope-prometheus-'));
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const config = join(storage, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: mcp-server',
        '    static_configs:',
        `      - targets: ['${example.url.host}']`,
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(storage, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    const ready = Date.now() + 30_000;
    while (Date.now() < ready) {
      const up = await query('up{job="mcp-server"} == 1').catch(() => undefined);
      if (up?.data.result.length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const report = await runWorkload(example.url);
    workloadCalls = report.calls;
    // Wait until Prometheus has scraped every call (plus the initialize requests), then two more scrapes.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const total = await query(
        'sum(mcp_server_operation_duration_seconds_count{mcp_method_name!="initialize"})',
      );
      if (Number(total.data.result[0]?.value[1] ?? 0) >= workloadCalls) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  }, 120_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await example?.stop();
    if (storage !== undefined) rmSync(storage, { recursive: true, force: true });
  });

  it('scraped every call the workload made', async () => {
    const total = await query(
      'sum(mcp_server_operation_duration_seconds_count{mcp_method_name!="initialize"})',
    );
    expect(Number(total.data.result[0]?.value[1])).toBe(workloadCalls);
  });

  it.each(
    PANELS.flatMap((panel) => panel.queries.map((panelQuery) => [panel.title, panelQuery.expr] as const)),
  )('panel "%s" returns data: %s', async (_title, expr) => {
    const result = await query(substituteVariables(expr));
    expect(result.status).toBe('success');
    expect(result.data.result.length).toBeGreaterThan(0);
    expect(result.data.result.some((series) => Number.isFinite(Number(series.value[1])))).toBe(true);
  });

  it('evaluates every alert expression without error', async () => {
    const rules = parse(
      readFileSync(fileURLToPath(new URL('../prometheus/alerts.yml', import.meta.url)), 'utf8'),
    ) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      expect((await query(rule.expr)).status, rule.alert).toBe('success');
    }
    // The workload refused alerts calls with the rate limiter: the refusal series exists.
    const refused = await query('sum by (plugin, reason) (mcp_server_refused_requests_total)');
    expect(
      refused.data.result.map(
        (series) => `${series.metric.plugin} ${series.metric.reason} ${series.value[1]}`,
      ),
    ).toEqual(['rate-limit rate_limited 5']);
  });
});
