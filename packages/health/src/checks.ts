/**
 * User checks: each runs with its own timeout and optional cache. Concurrent probes share one run; a
 * run that times out is abandoned (its signal aborts) and the next probe calls the check afresh.
 */
import type {
  CheckDefinition,
  CheckFunction,
  CheckKind,
  CheckReport,
  CheckReturn,
  CheckStatus,
} from './types.js';

const MAX_OUTPUT_LENGTH = 256;

export interface UserCheck {
  readonly name: string;
  readonly run: CheckFunction;
  readonly kind: CheckKind;
  readonly timeoutMs: number;
  readonly cacheMs: number;
  readonly critical: boolean;
  cached: CheckReport | undefined;
  cachedUntil: number;
  running: Promise<CheckReport> | undefined;
  /** A startup check's first passing reading; the check is not run again. */
  passedAtStartup: CheckReport | undefined;
}

export function defineChecks(
  checks: Readonly<Record<string, CheckFunction | CheckDefinition>>,
  defaults: { readonly timeoutMs: number; readonly cacheMs: number },
): UserCheck[] {
  return Object.entries(checks).map(([name, value]) => {
    const definition: CheckDefinition = typeof value === 'function' ? { check: value } : value;
    if (typeof definition?.check !== 'function') {
      throw new TypeError(`health(): check "${name}" must be a function or { check: function }.`);
    }
    const {
      check,
      kind = 'readiness',
      timeoutMs = defaults.timeoutMs,
      cacheMs = defaults.cacheMs,
      critical = true,
    } = definition;
    return {
      name,
      run: check,
      kind,
      timeoutMs,
      cacheMs,
      critical,
      cached: undefined,
      cachedUntil: 0,
      running: undefined,
      passedAtStartup: undefined,
    };
  });
}

/** One reading of a check: the latched startup result, a cached one, the shared run, or a new run. */
export function readCheck(check: UserCheck): Promise<CheckReport> {
  if (check.passedAtStartup !== undefined) return Promise.resolve(check.passedAtStartup);
  if (check.cached !== undefined && performance.now() < check.cachedUntil)
    return Promise.resolve(check.cached);
  if (check.running !== undefined) return check.running;
  const running = execute(check).then((report) => {
    if (check.running === running) check.running = undefined;
    if (check.kind === 'startup' && report.status !== 'fail') check.passedAtStartup = report;
    if (check.cacheMs > 0) {
      check.cached = report;
      check.cachedUntil = performance.now() + check.cacheMs;
    }
    return report;
  });
  check.running = running;
  return running;
}

function execute(check: UserCheck): Promise<CheckReport> {
  const controller = new AbortController();
  return new Promise<CheckReport>((resolve) => {
    const timer = setTimeout(() => {
      controller.abort(new Error(`check "${check.name}" timed out after ${check.timeoutMs} ms`));
      resolve(failure(check, `timed out after ${check.timeoutMs} ms`));
    }, check.timeoutMs);
    timer.unref();
    Promise.resolve()
      .then(() => check.run({ signal: controller.signal }))
      .then(
        (value) => resolve(reading(check, value)),
        (error: unknown) => resolve(failure(check, error instanceof Error ? error.message : String(error))),
      )
      .finally(() => clearTimeout(timer));
  });
}

function failure(check: UserCheck, output: string): CheckReport {
  return {
    status: check.critical ? 'fail' : 'warn',
    time: new Date().toISOString(),
    output: capOutput(output),
  };
}

function reading(check: UserCheck, value: CheckReturn): CheckReport {
  if (value === false) return failure(check, 'check returned false');
  if (value === true || value === undefined || value === null || typeof value !== 'object') {
    return { status: 'pass', time: new Date().toISOString() };
  }
  const status = normalizeStatus(value.status);
  // Built in the draft's field order: component, observation, status, time, output.
  const report: { -readonly [Key in keyof CheckReport]?: CheckReport[Key] } = {};
  if (typeof value.componentId === 'string') report.componentId = value.componentId;
  if (typeof value.componentType === 'string') report.componentType = value.componentType;
  if (value.observedValue !== undefined) report.observedValue = value.observedValue;
  if (typeof value.observedUnit === 'string') report.observedUnit = value.observedUnit;
  report.status = status === 'fail' && !check.critical ? 'warn' : status;
  report.time = new Date().toISOString();
  if (value.output !== undefined && status !== 'pass') report.output = capOutput(String(value.output));
  else if (status === 'fail' && !KNOWN_STATUSES.has(value.status)) {
    report.output = capOutput(`invalid status ${String(value.status)}`);
  }
  return report as CheckReport;
}

const KNOWN_STATUSES = new Set<unknown>(['pass', 'warn', 'fail', 'ok', 'up', 'error', 'down']);

function isStatus(value: unknown): value is CheckStatus {
  return value === 'pass' || value === 'warn' || value === 'fail';
}

/** The draft allows `ok`/`up` for pass and `error`/`down` for fail; anything unknown fails. */
function normalizeStatus(value: unknown): CheckStatus {
  if (value === undefined) return 'pass';
  if (isStatus(value)) return value;
  if (value === 'ok' || value === 'up') return 'pass';
  return 'fail';
}

export function capOutput(output: string): string {
  return output.length > MAX_OUTPUT_LENGTH ? `${output.slice(0, MAX_OUTPUT_LENGTH - 1)}…` : output;
}

const SEVERITY: Readonly<Record<CheckStatus, number>> = { pass: 0, warn: 1, fail: 2 };

export function worse(left: CheckStatus, right: CheckStatus): CheckStatus {
  return SEVERITY[right] > SEVERITY[left] ? right : left;
}
