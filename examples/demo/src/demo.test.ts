import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('the demo (the README’s first command)', () => {
  it('drives the example, prints what every plugin saw, and exits 0 leaving nothing running', () => {
    const demo = fileURLToPath(new URL('./demo.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', demo], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const output = run.stdout;
    for (const section of [
      'Workload',
      'Metrics (read back from /metrics)',
      'Health',
      'Graceful shutdown',
      'Logs',
      'Trace of one request',
      'Errors Sentry received',
    ]) {
      expect(output).toContain(section);
    }
    // Read back from /metrics: every radar call threw, every unknown tool was the model's mistake.
    expect(output).toMatch(/radar_image\s+8\s+100%.*handler_threw ×8/);
    expect(output).toMatch(/\(unknown\)\s+4\s+100%.*unknown_tool ×4/);
    expect(output).toMatch(/get_forecast\s+107\s+6%.*invalid_arguments ×6/);
    expect(output).toMatch(/slow_report\s+5\s+60%.*cancelled ×3/);
    expect(output).toContain('refused by plugins: get_alerts 5 (rate-limit: rate_limited, per tool)');
    expect(output).toContain('sessions ended: 5; requests in flight now: 0');
    expect(output).toContain('status: pass');
    expect(output).toContain('the example exited with code 0');
    // The trace crosses the client, the server and the tool's upstream call.
    expect(output).toMatch(
      /tools\/call get_forecast \[CLIENT, demo client\][\s\S]*tools\/call get_forecast \[SERVER, weather-mcp\][\s\S]*weather-api GET \/forecast \[INTERNAL, weather-mcp\]/,
    );
    // Sentry: one event per thrown radar error, nothing for client mistakes.
    expect(output).toContain('8 Sentry events');
    for (const station of ['LIS', 'OSL', 'NBO', 'YVR', 'KIX', 'MVD', 'KEF', 'PER']) {
      expect(output).toMatch(new RegExp(`1 × Error: radar station ${station} is offline`));
    }
    expect(output).not.toMatch(/× .*(Invalid arguments|not found)/);
  });
});
