/**
 * turbo runs the tests (pnpm test:unit). It must not cache them: Prometheus, promtool, Redis and the
 * Node version are not part of its cache key. And in its strict environment mode a variable reaches a
 * task only when turbo.json names it, so every knob a test reads from the environment must be listed.
 */
import { describe, expect, it } from 'vitest';
import { filesUnder, read, readJson } from './repository.js';

interface Task {
  readonly cache?: boolean;
  readonly env?: readonly string[];
  readonly passThroughEnv?: readonly string[];
}

const turbo = readJson<{ tasks: Record<string, Task> }>('turbo.json');

/** Test files, their helpers and fixtures (test/ folders), and the shared test kit. */
function testCode(): string[] {
  return ['packages', 'tests', 'examples', 'bench']
    .flatMap((folder) => filesUnder(folder))
    .filter((file) => /\.(c|m)?[jt]s$/.test(file))
    .filter(
      (file) =>
        /\.test\.[cm]?[jt]s$/.test(file) || /\/test\//.test(file) || file.startsWith('packages/test-kit/'),
    );
}

/**
 * Settings of the libraries and examples themselves (OpenTelemetry's, Sentry's, pino's, the examples'
 * ports), which README fixtures read with a default. Strict mode keeps a developer's own values out of
 * the tests on purpose: they are not knobs.
 */
const APPLICATION_SETTINGS =
  /^(OTEL_\w+|SENTRY_\w+|LOG_LEVEL|NODE_ENV|PORT|HOST|METRICS_PORT|METRICS_TOKEN)$/;

const ENV_ACCESS =
  /(delete\s+)?process\.env(?:\.([A-Za-z_]\w*)|\[\s*['"]([A-Za-z_]\w*)['"]\s*\])(\s*=(?!=))?/g;

/** Variables the tests read, and those they set themselves (assigned, deleted, or handed to a child's env). */
function environmentUse(): { read: Map<string, string>; set: Set<string> } {
  const reads = new Map<string, string>();
  const set = new Set<string>();
  for (const file of testCode()) {
    const source = read(file);
    for (const match of source.matchAll(ENV_ACCESS)) {
      const name = (match[2] ?? match[3])!;
      if (match[1] !== undefined || match[4] !== undefined) set.add(name);
      else if (!reads.has(name)) reads.set(name, file);
    }
    // `{ ...process.env, DELAY_MS: '0' }`: a key in an object the test passes as a child's environment.
    for (const match of source.matchAll(/\b([A-Z][A-Z0-9_]*)\s*:\s*(?:String\(|'|"|`|[a-z]\w*\s*[,}])/g)) {
      set.add(match[1]!);
    }
  }
  return { read: reads, set };
}

describe('turbo.json', () => {
  it('never caches the tests', () => {
    expect(turbo.tasks.test?.cache).toBe(false);
  });

  it('passes every environment knob the tests read through to them', () => {
    const { read: reads, set } = environmentUse();
    const declared = new Set([...(turbo.tasks.test?.env ?? []), ...(turbo.tasks.test?.passThroughEnv ?? [])]);
    // The knobs the READMEs and CONTRIBUTING.md document, so this test cannot pass by finding nothing.
    for (const knob of ['MCPSCOPE_SKIP_REDIS', 'MCPSCOPE_SKIP_PROMETHEUS', 'FUZZ_RUNS', 'CHURN_SESSIONS']) {
      expect(reads.has(knob), `no test reads ${knob} any more`).toBe(true);
    }
    const missing = [...reads]
      .filter(([name]) => !set.has(name) && !declared.has(name) && !APPLICATION_SETTINGS.test(name))
      .map(([name, file]) => `${name} (read in ${file})`);
    expect(missing, 'add these to tasks.test.passThroughEnv in turbo.json').toEqual([]);
  });

  it('passes the Node version test-all.sh asks for', () => {
    expect(read('scripts/test-all.sh')).toContain('MCPSCOPE_NODE_VERSION="$version"');
    expect(turbo.tasks.test?.passThroughEnv).toContain('MCPSCOPE_NODE_VERSION');
  });
});
