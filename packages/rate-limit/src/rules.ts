/**
 * Options resolved once into rules, and into the set of rules each request is counted against, so a
 * request costs one or two map lookups to find its rules.
 */
import type { Algorithm, RateLimitRule, RateLimitScope, RuleOptions, TargetRuleOptions } from './types.js';

export const DEFAULT_WINDOW_MS = 60_000;

/** Methods not counted unless a rule names them: the handshakes (legacy and 2026-07-28 era), keep-alive. */
export const UNLIMITED_METHODS: readonly string[] = ['initialize', 'server/discover', 'ping'];

const ALGORITHMS: readonly Algorithm[] = ['token-bucket', 'sliding-window', 'fixed-window'];

export interface RuleSet {
  readonly rules: readonly RateLimitRule[];
  /** At least one rule counts per client, so the request's client key is needed. */
  readonly perClient: boolean;
}

export interface ResolvedRules {
  readonly all: readonly RateLimitRule[];
  readonly defaultSet: RuleSet;
  readonly byMethod: ReadonlyMap<string, RuleSet>;
  readonly byTool: ReadonlyMap<string, RuleSet>;
}

function wholeNumber(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`rateLimit: ${where}.${name} must be a whole number >= 1, got ${String(value)}`);
  }
  return value;
}

function resolveRule(
  options: RuleOptions | TargetRuleOptions,
  scope: RateLimitScope,
  target: string | undefined,
  defaultAlgorithm: Algorithm,
  where: string,
): RateLimitRule {
  const { limit, windowMs = DEFAULT_WINDOW_MS, algorithm = defaultAlgorithm } = options;
  if (!ALGORITHMS.includes(algorithm)) {
    throw new TypeError(`rateLimit: ${where}.algorithm must be one of ${ALGORITHMS.join(', ')}`);
  }
  wholeNumber(limit, 'limit', where);
  wholeNumber(windowMs, 'windowMs', where);
  const burst = algorithm === 'token-bucket' ? wholeNumber(options.burst ?? limit, 'burst', where) : limit;
  const shared = scope === 'global' || (scope !== 'client' && (options as TargetRuleOptions).shared === true);
  const name = target === undefined ? scope : `${scope}:${target}`;
  return { id: `${name}:${algorithm}`, scope, target, algorithm, limit, windowMs, burst, shared };
}

function ruleSet(rules: readonly RateLimitRule[]): RuleSet {
  return { rules, perClient: rules.some((rule) => !rule.shared) };
}

export function resolveRules(
  client: RuleOptions | false,
  global: RuleOptions | false,
  tools: Readonly<Record<string, TargetRuleOptions>>,
  methods: Readonly<Record<string, TargetRuleOptions>>,
  algorithm: Algorithm,
): ResolvedRules {
  const base: RateLimitRule[] = [];
  if (global !== false) base.push(resolveRule(global, 'global', undefined, algorithm, 'global'));
  if (client !== false) base.push(resolveRule(client, 'client', undefined, algorithm, 'client'));
  const all = [...base];

  const methodRules = new Map<string, RateLimitRule>();
  for (const [method, options] of Object.entries(methods)) {
    const rule = resolveRule(options, 'method', method, algorithm, `methods["${method}"]`);
    methodRules.set(method, rule);
    all.push(rule);
  }
  const byMethod = new Map<string, RuleSet>();
  for (const method of UNLIMITED_METHODS) byMethod.set(method, ruleSet([]));
  for (const [method, rule] of methodRules) byMethod.set(method, ruleSet([...base, rule]));

  const toolsCallRule = methodRules.get('tools/call');
  const byTool = new Map<string, RuleSet>();
  for (const [tool, options] of Object.entries(tools)) {
    const rule = resolveRule(options, 'tool', tool, algorithm, `tools["${tool}"]`);
    all.push(rule);
    byTool.set(tool, ruleSet(toolsCallRule === undefined ? [...base, rule] : [...base, toolsCallRule, rule]));
  }
  return { all, defaultSet: ruleSet(base), byMethod, byTool };
}
