/**
 * prom-client and @opentelemetry/api are optional peers: a user of one installs only it. Each entry
 * point runs in a child process in which the other peer cannot be resolved.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

function load(entry: 'prometheus' | 'opentelemetry', blocked: string) {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', here('../test/block-module.mjs'), here('../test/load-entry.ts'), entry],
    { encoding: 'utf8', env: { ...process.env, MCPSCOPE_BLOCKED_MODULE: blocked }, timeout: 60_000 },
  );
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('entry points', () => {
  it('@mcpscope/metrics works without @opentelemetry/api', () => {
    expect(load('prometheus', '@opentelemetry/api')).toMatchObject({
      status: 0,
      stdout: 'loaded prometheus\n',
    });
  });

  it('@mcpscope/metrics/opentelemetry works without prom-client', () => {
    expect(load('opentelemetry', 'prom-client')).toMatchObject({
      status: 0,
      stdout: 'loaded opentelemetry\n',
    });
  });

  it('the block works: each entry fails without its own peer', () => {
    const prometheus = load('prometheus', 'prom-client');
    expect(prometheus.status).toBe(1);
    expect(prometheus.stderr).toContain('Cannot find package prom-client (blocked by the test)');
    const openTelemetry = load('opentelemetry', '@opentelemetry/api');
    expect(openTelemetry.status).toBe(1);
    expect(openTelemetry.stderr).toContain('Cannot find package @opentelemetry/api (blocked by the test)');
  });
});
