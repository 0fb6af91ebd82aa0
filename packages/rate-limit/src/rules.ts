/**
 * Options resolved once into rules, and into the set of rules each request is counted against, so a
 * request costs one or two map lookups to find its rules.
 */
import type {
  Algorithm,
  LimitFunction,
  RateLimitRule,
  RateLimitScope,
  RuleOptions,
  TargetRuleOptions,
} from './types.js';

export const DEFAULT_WINDOW_MS = 60_000;

/** Methods not counted unless a rule names them: the handshakes (legacy and 2026-07-28 era), keep-alive. */
export const UNLIMITED_METHODS: readonly string[] = ['initialize', 'server/discover', 'ping'];

const ALGORITHMS: readonly Algorithm[] = ['token-bucket', 'sliding-window', 'fixed-window'];

/** A rule whose limit a function computes per request: where it sits in its set, and its option path. */
export interface PerRequestLimit {
  readonly index: number;
  readonly limitOf: LimitFunction;
  /** The option path, for diagnostics (`client.limit`, `tools["search"].limit`). */
  readonly hook: string;
  readonly defaultLimit: number;
}

export interface RuleSet {
  readonly rules: readonly RateLimitRule[];
  /** At least one rule counts per client, so the request's client key is needed. */
  readonly perClient: boolean;
  /** Each rule's configured limit, copied and overwritten per request when some are per request. */
  readonly limits: readonly number[];
  readonly perRequest: readonly PerRequestLimit[];
}

export interface ResolvedRules {
  readonly all: readonly RateLimitRule[];
  readonly defaultSet: RuleSet;
  readonly byMethod: ReadonlyMap<string, RuleSet>;
  /** By tool name; looked up with a request's target, which a tools/call without a name lacks. */
  readonly byTool: ReadonlyMap<string | undefined, RuleSet>;
}

interface ResolvedRule {
  readonly rule: RateLimitRule;
  readonly limitOf: LimitFunction | undefined;
  readonly hook: string;
}

export function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

function wholeNumber(value: unknown, name: string, where: string): number {
  if (!isWholeNumber(value)) {
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
): ResolvedRule {
  const { limit, windowMs = DEFAULT_WINDOW_MS, algorithm = defaultAlgorithm } = options;
  if (!ALGORITHMS.includes(algorithm)) {
    throw new TypeError(`rateLimit: ${where}.algorithm must be one of ${ALGORITHMS.join(', ')}`);
  }
  const limitOf = typeof limit === 'function' ? limit : undefined;
  if (limitOf !== undefined && options.defaultLimit === undefined) {
    throw new TypeError(`rateLimit: ${where}.defaultLimit is required when ${where}.limit is a function`);
  }
  const configured =
    limitOf === undefined
      ? wholeNumber(limit, 'limit', where)
      : wholeNumber(options.defaultLimit, 'defaultLimit', where);
  wholeNumber(windowMs, 'windowMs', where);
  const burst =
    algorithm === 'token-bucket' && options.burst !== undefined
      ? wholeNumber(options.burst, 'burst', where)
      : undefined;
  const shared = scope === 'global' || (scope !== 'client' && (options as TargetRuleOptions).shared === true);
  const name = target === undefined ? scope : `${scope}:${target}`;
  const rule: RateLimitRule = {
    id: `${name}:${algorithm}`,
    scope,
    target,
    algorithm,
    limit: configured,
    perRequestLimit: limitOf !== undefined,
    windowMs,
    burst,
    shared,
  };
  return { rule, limitOf, hook: `${where}.limit` };
}

function ruleSet(resolved: readonly ResolvedRule[]): RuleSet {
  const rules = resolved.map((entry) => entry.rule);
  const perRequest: PerRequestLimit[] = [];
  resolved.forEach(({ rule, limitOf, hook }, index) => {
    if (limitOf !== undefined) perRequest.push({ index, limitOf, hook, defaultLimit: rule.limit });
  });
  return {
    rules,
    perClient: rules.some((rule) => !rule.shared),
    limits: rules.map((rule) => rule.limit),
    perRequest,
  };
}

export function resolveRules(
  client: RuleOptions | false,
  global: RuleOptions | false,
  tools: Readonly<Record<string, TargetRuleOptions>>,
  methods: Readonly<Record<string, TargetRuleOptions>>,
  algorithm: Algorithm,
): ResolvedRules {
  const base: ResolvedRule[] = [];
  if (global !== false) base.push(resolveRule(global, 'global', undefined, algorithm, 'global'));
  if (client !== false) base.push(resolveRule(client, 'client', undefined, algorithm, 'client'));
  const all = base.map((entry) => entry.rule);

  const methodRules = new Map<string, ResolvedRule>();
  for (const [method, options] of Object.entries(methods)) {
    const resolved = resolveRule(options, 'method', method, algorithm, `methods["${method}"]`);
    methodRules.set(method, resolved);
    all.push(resolved.rule);
  }
  const byMethod = new Map<string, RuleSet>();
  for (const method of UNLIMITED_METHODS) byMethod.set(method, ruleSet([]));
  for (const [method, resolved] of methodRules) byMethod.set(method, ruleSet([...base, resolved]));

  const toolsCallRule = methodRules.get('tools/call');
  const byTool = new Map<string, RuleSet>();
  for (const [tool, options] of Object.entries(tools)) {
    const resolved = resolveRule(options, 'tool', tool, algorithm, `tools["${tool}"]`);
    all.push(resolved.rule);
    byTool.set(
      tool,
      ruleSet(toolsCallRule === undefined ? [...base, resolved] : [...base, toolsCallRule, resolved]),
    );
  }
  return { all, defaultSet: ruleSet(base), byMethod, byTool };
}
