/**
 * The server error-rate alert keeps no list of client error codes: it selects `mcp_error_side="server"`,
 * which the metrics plugin takes from core's one table. promtool runs the rule over one job per code of
 * core's `ERROR_CODES` (each failing 10% of its requests, labelled as the plugin labels it): exactly the
 * server's codes page, none of the client's (-32020, -32021, -32022, -32042 and -32029 included).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, isClientErrorCode } from '@mcpscope/core';
import { expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const RULES = fileURLToPath(new URL('../prometheus/alerts.yml', import.meta.url));

interface Rule {
  readonly alert: string;
  readonly expr: string;
}

const errorRateRule = (): Rule =>
  (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups
    .flatMap((group) => group.rules)
    .find((rule) => rule.alert === 'McpServerHighErrorRate')!;

it('selects failures by mcp_error_side, with no error code written into the rule', () => {
  const { expr } = errorRateRule();
  expect(expr).toContain('mcp_error_side="server"');
  expect(expr.match(/-32\d{3}/g)).toBeNull();
});

it('pages for exactly the codes core calls the server’s (promtool test rules, one job per code)', () => {
  const job = (code: number) => `code${-code}`;
  const series = ERROR_CODES.flatMap(({ code }) => [
    {
      series: `mcp_server_operation_duration_seconds_count{job="${job(code)}", mcp_method_name="tools/call", error_type="", mcp_request_outcome="ok"}`,
      values: '0+90x30',
    },
    {
      series: `mcp_server_operation_duration_seconds_count{job="${job(code)}", mcp_method_name="tools/call", error_type="${code}", rpc_response_status_code="${code}", mcp_request_outcome="error", mcp_error_side="${isClientErrorCode(code) ? 'client' : 'server'}"}`,
      values: '0+10x30',
    },
  ]);
  const serverCodes = ERROR_CODES.filter((entry) => entry.side === 'server').map((entry) => entry.code);
  expect(serverCodes.sort()).toEqual([-32603, -32051, -32050, -32001, -32000].sort());
  const expected = serverCodes.map((code) => ({
    exp_labels: { severity: 'page', job: job(code) },
    exp_annotations: {
      summary: `MCP server ${job(code)}: 10% of requests fail with server errors`,
      description:
        "More than 5% of MCP requests got a JSON-RPC error that is the server's business (not the client's), for 10 minutes.",
    },
  }));
  const directory = mkdtempSync(join(tmpdir(), 'mcpscope-alerts-'));
  try {
    const tests = join(directory, 'error-codes.test.yml');
    writeFileSync(
      tests,
      stringify({
        rule_files: [RULES],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: series,
            alert_rule_test: [
              { eval_time: '20m', alertname: 'McpServerHighErrorRate', exp_alerts: expected },
            ],
          },
        ],
      }),
    );
    const output = execFileSync('promtool', ['test', 'rules', tests], { encoding: 'utf8' });
    expect(output).toContain('SUCCESS');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
