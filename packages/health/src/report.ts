/** Bodies in the "Health Check Response Format for HTTP APIs" draft (`application/health+json`). */
import type { RouteRequest, RouteResponse } from '@mcpscope/core';
import { worse } from './checks.js';
import type { CheckReport, CheckStatus, HealthReport } from './types.js';

const HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/health+json',
  'cache-control': 'no-store',
};

export type CheckEntries = readonly (readonly [string, CheckReport])[];

export interface ReportContext {
  readonly version: string | undefined;
  readonly name: string | undefined;
  /** Overrides the summary output of a failing report (`draining`). */
  readonly output?: string;
}

/** The full (verbose) report of a set of readings. */
export function buildReport(entries: CheckEntries, context: ReportContext): HealthReport {
  let status: CheckStatus = 'pass';
  for (const [, reading] of entries) status = worse(status, reading.status);
  const checks: Record<string, CheckReport[]> = {};
  for (const [name, reading] of entries) {
    const readings = checks[name] ?? [];
    readings.push(reading);
    checks[name] = readings;
  }
  return {
    status,
    ...(context.version === undefined ? {} : { version: context.version }),
    ...(context.name === undefined ? {} : { description: `MCP server ${context.name}` }),
    ...(status === 'pass' ? {} : { output: context.output ?? summarize(entries, status) }),
    checks,
  };
}

/** Names the checks at the report's level, without their outputs (those may hold error messages). */
function summarize(entries: CheckEntries, status: CheckStatus): string {
  const names = entries.filter(([, reading]) => reading.status === status).map(([name]) => name);
  return `${status === 'fail' ? 'failing' : 'warning'}: ${names.join(', ')}`;
}

/** `?verbose`, `?verbose=1`, `?verbose=true` ask for details; `?verbose=0` and `?verbose=false` do not. */
export function wantsVerbose(request: RouteRequest): boolean {
  const value = request.url.searchParams.get('verbose');
  return value !== null && value !== '0' && value !== 'false';
}

/** What a probe sees: the status only (details off), a summary, or every check (`?verbose`). */
export function toRouteResponse(report: HealthReport, details: boolean, verbose: boolean): RouteResponse {
  let body: HealthReport;
  if (!details) body = { status: report.status };
  else if (verbose) body = report;
  else {
    const { checks: _checks, ...summary } = report;
    body = summary;
  }
  return {
    status: report.status === 'fail' ? 503 : 200,
    headers: HEADERS,
    body: JSON.stringify(body, jsonSafe),
  };
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
