/**
 * A real Prometheus (Debian's binary, on a free loopback port) scrapes the HTTP example while the demo's
 * workload runs; then every dashboard panel's query, and every alert expression, is evaluated against it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ExampleProcess, startExample } from '@mcpscope/demo/example-process';
import { runWorkload } from '@mcpscope/demo/workload';
import {
  delay,
  type RunningPrometheus,
  requireBinary,
  SKIP_PROMETHEUS,
  startPrometheus,
  waitFor,
} from '@mcpscope/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PANELS, substituteVariables } from './panels.js';

const prometheusAvailable = !SKIP_PROMETHEUS;
if (prometheusAvailable) requireBinary('prometheus');

describe.skipIf(!prometheusAvailable)('dashboard and alert queries against a real Prometheus', () => {
  let example: ExampleProcess;
  let prometheus: RunningPrometheus;
  let workloadCalls = 0;

  const total = async () =>
    (
      await prometheus.query(
        'sum(mcp_server_operation_duration_seconds_count{mcp_method_name!="initialize"})',
      )
    )[0]?.value ?? 0;

  beforeAll(async () => {
    example = await startExample({});
    prometheus = await startPrometheus({ target: example.url.host, job: 'mcp-server' });
    await waitFor(async () => (await prometheus.targets())[0]?.health === 'up', 'the first scrape', 30_000);
    workloadCalls = (await runWorkload(example.url)).calls;
    // Every call scraped, then two more scrapes so every rate() window holds the increase.
    await waitFor(async () => (await total()) >= workloadCalls, 'every call to be scraped', 30_000);
    await delay(2_500);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await example?.stop();
  });

  it('scraped every call the workload made', async () => {
    expect(await total()).toBe(workloadCalls);
  });

  it.each(
    PANELS.flatMap((panel) => panel.queries.map((panelQuery) => [panel.title, panelQuery.expr] as const)),
  )('panel "%s" returns data: %s', async (_title, expr) => {
    const series = await prometheus.query(substituteVariables(expr));
    expect(series.length).toBeGreaterThan(0);
    expect(series.some((sample) => Number.isFinite(sample.value))).toBe(true);
  });

  it('evaluates every alert expression (the query API rejects what Prometheus cannot evaluate)', async () => {
    const rules = parse(
      readFileSync(fileURLToPath(new URL('../prometheus/alerts.yml', import.meta.url)), 'utf8'),
    ) as { groups: { rules: { alert: string; expr: string }[] }[] };
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      await expect(prometheus.query(rule.expr), rule.alert).resolves.toBeInstanceOf(Array);
    }
    // The workload's alerts calls went over the rate limit: the refusal series exists.
    const refused = await prometheus.query(
      'sum by (mcp_refusal_plugin, mcp_refusal_reason) (mcp_server_refused_requests_total)',
    );
    expect(
      refused.map(
        (series) => `${series.metric.mcp_refusal_plugin} ${series.metric.mcp_refusal_reason} ${series.value}`,
      ),
    ).toEqual(['rate-limit rate_limited 5']);
  });
});
