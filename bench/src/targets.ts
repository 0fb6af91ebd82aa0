/** The targets from the issues: per-call ratios to bare from the same run, throughput, scrape time. */
export interface TargetInput {
  readonly node: string;
  readonly transport: string;
  readonly scenario: string;
  readonly perCallMicros: number;
  readonly perCallRatio: number;
  readonly cpuPerCallMicros: number;
  readonly cpuPerCallRatio: number;
  readonly throughput: number;
}

export interface ScrapeInput {
  readonly node: string;
  readonly scrape: Record<string, { readonly series: number; readonly medianMilliseconds: number }>;
}

export interface TargetResult {
  readonly target: string;
  readonly node: string;
  readonly value: number;
  /** The same ratio on CPU time (steadier on a busy machine), for ratio targets. */
  readonly cpuValue?: number;
  readonly limit: number;
  readonly met: boolean;
  /** Not a target of the issues: the same limit against another baseline, for context. */
  readonly informational?: boolean;
}

interface Target {
  readonly description: string;
  readonly scenario: string;
  readonly transport: string;
  readonly limit: number;
  /** Node majors the target applies to. */
  readonly nodes: readonly string[];
  /**
   * `ratio`: per-call time over bare (at most `limit`); `throughput-vs-sentry`: calls per second over
   * Sentry's MCP instrumentation's (at least `limit`); `scrape`: milliseconds per /metrics scrape of
   * 1,000 series or more (at most `limit`).
   */
  readonly kind: 'ratio' | 'throughput-vs-sentry' | 'scrape';
  /** For `ratio`: divide by this scenario's figure instead of bare's (informational rows). */
  readonly baseline?: string;
}

const TARGETS: readonly Target[] = [
  {
    description: 'hook layer alone <= 1.05x',
    scenario: 'hook-layer',
    transport: 'in-memory',
    limit: 1.05,
    nodes: ['v24', 'v20'],
    kind: 'ratio',
  },
  {
    description: 'metrics alone <= 1.10x',
    scenario: 'metrics',
    transport: 'in-memory',
    limit: 1.1,
    nodes: ['v24'],
    kind: 'ratio',
  },
  {
    description: 'a /metrics scrape of 1,000 series < 20 ms',
    scenario: 'metrics',
    transport: 'in-memory',
    limit: 20,
    nodes: ['v24', 'v20'],
    kind: 'scrape',
  },
  {
    description: 'logging to a file <= 1.20x',
    scenario: 'logging',
    transport: 'in-memory',
    limit: 1.2,
    nodes: ['v24'],
    kind: 'ratio',
  },
  {
    description: 'tracing, real SDK <= 1.25x',
    scenario: 'tracing',
    transport: 'in-memory',
    limit: 1.25,
    nodes: ['v24'],
    kind: 'ratio',
  },
  {
    description: 'tracing, no SDK <= 1.05x',
    scenario: 'tracing-no-sdk',
    transport: 'in-memory',
    limit: 1.05,
    nodes: ['v24'],
    kind: 'ratio',
  },
  {
    description: 'rate limit never reached <= 1.05x',
    scenario: 'rate-limit',
    transport: 'in-memory',
    limit: 1.05,
    nodes: ['v24'],
    kind: 'ratio',
  },
  {
    description: 'all five <= 1.5x',
    scenario: 'all-five',
    transport: 'in-memory',
    limit: 1.5,
    nodes: ['v24'],
    kind: 'ratio',
  },
  {
    description: 'all five over HTTP <= 1.05x',
    scenario: 'all-five',
    transport: 'http',
    limit: 1.05,
    nodes: ['v24'],
    kind: 'ratio',
  },
  {
    description: 'all five over HTTP <= 1.05x the same SDKs without plugins (all-five-sdks)',
    scenario: 'all-five',
    transport: 'http',
    limit: 1.05,
    nodes: ['v24'],
    kind: 'ratio',
    baseline: 'all-five-sdks',
  },
  {
    description: 'all five <= 1.5x the same SDKs without plugins (all-five-sdks)',
    scenario: 'all-five',
    transport: 'in-memory',
    limit: 1.5,
    nodes: ['v24'],
    kind: 'ratio',
    baseline: 'all-five-sdks',
  },
  {
    description: "all five >= 1.5x Sentry MCP's throughput",
    scenario: 'all-five',
    transport: 'in-memory',
    limit: 1.5,
    nodes: ['v24'],
    kind: 'throughput-vs-sentry',
  },
];

export function evaluateTargets(
  summaries: readonly TargetInput[],
  scrapes: readonly ScrapeInput[] = [],
): TargetResult[] {
  const results: TargetResult[] = [];
  for (const target of TARGETS) {
    for (const node of target.nodes) {
      if (target.kind === 'scrape') {
        const scrape = scrapes.find((candidate) => candidate.node.startsWith(node));
        if (scrape === undefined) continue;
        const value = Math.max(...Object.values(scrape.scrape).map((format) => format.medianMilliseconds));
        results.push({
          target: target.description,
          node: scrape.node,
          value,
          limit: target.limit,
          met: value < target.limit,
        });
        continue;
      }
      const row = summaries.find(
        (summary) =>
          summary.scenario === target.scenario &&
          summary.transport === target.transport &&
          summary.node.startsWith(node),
      );
      if (row === undefined) continue;
      if (target.kind === 'ratio' && target.baseline !== undefined) {
        const baseline = summaries.find(
          (summary) =>
            summary.scenario === target.baseline &&
            summary.transport === target.transport &&
            summary.node === row.node,
        );
        if (baseline === undefined) continue;
        const value = row.perCallMicros / baseline.perCallMicros;
        results.push({
          target: target.description,
          node: row.node,
          value,
          cpuValue: row.cpuPerCallMicros / baseline.cpuPerCallMicros,
          limit: target.limit,
          met: value <= target.limit,
          informational: true,
        });
        continue;
      }
      if (target.kind === 'ratio') {
        results.push({
          target: target.description,
          node: row.node,
          value: row.perCallRatio,
          cpuValue: row.cpuPerCallRatio,
          limit: target.limit,
          met: row.perCallRatio <= target.limit,
        });
        continue;
      }
      const sentry = summaries.find(
        (summary) =>
          summary.scenario === 'sentry-mcp' &&
          summary.transport === target.transport &&
          summary.node === row.node,
      );
      if (sentry === undefined) continue;
      const value = row.throughput / sentry.throughput;
      results.push({
        target: target.description,
        node: row.node,
        value,
        limit: target.limit,
        met: value >= target.limit,
      });
    }
  }
  return results;
}
