import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DATASOURCE_VARIABLE } from './dashboard.js';
import { DASHBOARD_FILE, renderDashboard } from './generate.js';
import { PANELS } from './panels.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface DashboardJson {
  uid: string;
  templating: { list: { name: string; type: string }[] };
  panels: { title: string; type: string; datasource: { uid: string }; targets: { expr: string }[] }[];
}

describe('the Grafana dashboard', () => {
  const committed = readFileSync(DASHBOARD_FILE, 'utf8');
  const json = JSON.parse(committed) as DashboardJson;

  it('is exactly what the code generates (run `pnpm generate` after editing panels)', () => {
    expect(committed).toBe(renderDashboard());
  });

  it('has the variables operators filter by: data source, job, instance, tool', () => {
    expect(json.templating.list.map((variable) => `${variable.name}:${variable.type}`)).toEqual([
      'datasource:datasource',
      'job:query',
      'instance:query',
      'tool:query',
    ]);
  });

  it('has the panels operators need, every query filtered by job and instance', () => {
    expect(json.panels.map((panel) => panel.title)).toEqual(PANELS.map((panel) => panel.title));
    for (const needed of [
      /request rate/i,
      /latency.*method/i,
      /latency.*tool/i,
      /error rate/i,
      /in-flight/i,
      /active sessions/i,
      /session duration/i,
      /tool invocations/i,
      /refused/i,
    ]) {
      expect(json.panels.some((panel) => needed.test(panel.title))).toBe(true);
    }
    for (const panel of json.panels) {
      expect(panel.datasource.uid).toBe(DATASOURCE_VARIABLE);
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.expr).toMatch(/job=~"\$job", instance=~"\$instance"/);
    }
  });

  it('is provisioned from the folder docker-compose mounts', () => {
    const provider = parse(readFileSync(here('../grafana/provisioning/dashboards/mcpscope.yml'), 'utf8'));
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    const compose = parse(readFileSync(here('../docker-compose.yml'), 'utf8'));
    expect(compose.services.grafana.volumes).toContain('./grafana/dashboards:/var/lib/grafana/dashboards:ro');
    expect(compose.services.prometheus.volumes).toContain(
      './prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
    );
  });
});

describe('the Prometheus configuration and alert rules', () => {
  const promtool = (...args: string[]) =>
    execFileSync('promtool', args, {
      cwd: here('../prometheus'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('passes promtool check config and check rules', () => {
    expect(promtool('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
    expect(promtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS: 6 rules found');
  });

  it('passes promtool test rules: every alert fires when it should and not before', () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });
});
