import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';

/** How a rule counts requests. */
export type Algorithm = 'token-bucket' | 'sliding-window' | 'fixed-window';

/**
 * Which rule refused a request: the one limit for the whole server (`global`), the limit each client
 * gets (`client`), or a tool's or a method's own limit. Low-cardinality: it is the refusal's `scope`.
 */
export type RateLimitScope = 'global' | 'client' | 'tool' | 'method';

/** Why a request was refused: over a limit, or the store failed and `failOpen` is false. */
export type RateLimitReason = 'rate_limited' | 'rate_limit_unavailable';

/** A limit computed for each request (a tenant's plan): a whole number >= 1, or undefined for `defaultLimit`. */
export type LimitFunction = (request: RequestFacts) => number | undefined;

/** One limit. */
export interface RuleOptions {
  /**
   * Requests allowed per window (for the token bucket: the refill rate per window), a whole number >= 1;
   * or a function of the request returning one. A function that returns undefined, throws or returns
   * anything else gives `defaultLimit` (a throw or an invalid value is reported once).
   */
  readonly limit: number | LimitFunction;
  /** With a function `limit`: the limit when it gives none. Required then; a whole number >= 1. @default none */
  readonly defaultLimit?: number;
  /** Length of the window in milliseconds. @default 60000 */
  readonly windowMs?: number;
  /** @default the limiter's `algorithm` */
  readonly algorithm?: Algorithm;
  /** Token bucket only: how many requests may arrive at once (the bucket's size). @default the request's limit */
  readonly burst?: number;
}

/** A tool's or a method's own limit. */
export interface TargetRuleOptions extends RuleOptions {
  /** One count for all clients together instead of one per client. @default false */
  readonly shared?: boolean;
}

/**
 * How clients are told apart: `session` (the `Mcp-Session-Id`, or the connection when there is none),
 * `principal` (the authenticated caller's client id, `request.auth.clientId`, from the SDK's `authInfo`),
 * `client-name` (`clientInfo.name` from `initialize` or the request's `_meta`), or a function (an API
 * key header, a tenant). When the principal, the client name or the function gives `undefined`, the
 * request is keyed by its session.
 */
export type ClientKeyOption =
  | 'session'
  | 'principal'
  | 'client-name'
  | ((request: RequestFacts) => string | undefined);

/** Where the time comes from, and how the `maxWaitMs` action waits. Injectable for tests. */
export interface RateLimitClock {
  /** Milliseconds since the epoch. @default Date.now() */
  now(): number;
  /** Calls `callback` after `delayMs` milliseconds. @default setTimeout */
  setTimeout(callback: () => void, delayMs: number): void;
}

/** The refusal a `message` function words: the limit that applied and when to retry. */
export interface RefusalDetails {
  readonly limit: number;
  readonly retryAfterMs: number;
}

export interface RateLimitOptions {
  /** The limit each client gets, for every request it sends; `false`: none. @default { limit: 100, windowMs: 60000 } */
  readonly client?: RuleOptions | false;
  /** One limit for every request to the server (to every instance, with a shared store). @default none */
  readonly global?: RuleOptions | false;
  /** Limits of their own for tools/call of these tools, counted in addition to `client` and `global`. @default {} */
  readonly tools?: Readonly<Record<string, TargetRuleOptions>>;
  /** Limits of their own for these methods (`resources/read`, `prompts/get`), counted in addition. @default {} */
  readonly methods?: Readonly<Record<string, TargetRuleOptions>>;
  /** Default algorithm of every rule. @default 'token-bucket' */
  readonly algorithm?: Algorithm;
  /** How clients are told apart. @default 'session' */
  readonly key?: ClientKeyOption;
  /** Requests for which this returns true are never counted nor refused. @default none */
  readonly ignore?: (request: RequestFacts) => boolean;
  /**
   * What a request costs against every rule that counts it: a whole number >= 1 (an expensive tool costs
   * more). Undefined gives 1; a throw or any other value is reported once and gives 1. @default () => 1
   */
  readonly cost?: (request: RequestFacts) => number | undefined;
  /**
   * The message of the rate-limited error: a string, or a function of the request, the refusing rule and
   * the refusal (undefined, a throw or a non-string gives the default).
   * @default 'Rate limit exceeded (<scope>): retry after <ms> ms'
   */
  readonly message?:
    | string
    | ((request: RequestFacts, rule: RateLimitRule, refusal: RefusalDetails) => string | undefined);
  /**
   * Instead of refusing at once, wait up to this many milliseconds for the limit to allow the request,
   * then refuse. Requests whose wait would exceed it are refused at once. @default 0 (refuse at once)
   */
  readonly maxWaitMs?: number;
  /** Where counts live; `redisStore(...)` shares limits between instances. @default memoryStore() */
  readonly store?: RateLimitStore;
  /** When the store fails: allow requests (true) or refuse them (false). @default true */
  readonly failOpen?: boolean;
  /** Called for every refusal, after the error was sent. @default none */
  readonly onRefusal?: (event: RateLimitRefusalEvent) => void;
  /** Where the time comes from. @default Date.now and setTimeout */
  readonly clock?: RateLimitClock;
}

/** A rule as the limiter resolved it from the options: what a store counts. */
export interface RateLimitRule {
  /** Stable name of the rule, part of store keys: `global`, `client`, `tool:<name>`, `method:<name>`, with the algorithm. */
  readonly id: string;
  readonly scope: RateLimitScope;
  /** The tool or method name, for `tool` and `method` rules. */
  readonly target: string | undefined;
  readonly algorithm: Algorithm;
  /** The configured limit (with a function `limit`: its `defaultLimit`). */
  readonly limit: number;
  /** True when the limit is computed per request: stores then get it in `consume`'s `limits`. */
  readonly perRequestLimit: boolean;
  readonly windowMs: number;
  /** Token bucket size; undefined: the limit that applies to the request. */
  readonly burst: number | undefined;
  /** One count for all clients (`global`, and shared tool or method rules). */
  readonly shared: boolean;
}

/** A client key as handed to stores: a string, or a connection object when it has no session id. */
export type ClientKey = string | object;

/** A store's answer when a request is refused: the index of the rule that refused and when to retry. */
export interface StoreRefusal {
  readonly rule: number;
  readonly retryAfterMs: number;
}

/**
 * Where counts live. `consume` counts one request of `cost` units against every rule at once: it is
 * allowed only if every rule has `cost` left, and then every rule counts it; a refused request is counted
 * by none. `limits`, when given, holds the limit that applies to this request for each rule (rules with
 * `perRequestLimit`); otherwise each rule's `limit` applies. A token bucket's size is `rule.burst`, or
 * that limit. A request costing more than a rule's size (the bucket, or the window's limit) is always
 * refused, with `retryAfterMs` the rule's window. Returns `undefined` when allowed. A store may answer
 * synchronously (the memory store does) or with a promise.
 */
export interface RateLimitStore {
  consume(
    rules: readonly RateLimitRule[],
    client: ClientKey | undefined,
    now: number,
    cost: number,
    limits: readonly number[] | undefined,
  ): StoreRefusal | undefined | Promise<StoreRefusal | undefined>;
}

export interface RateLimitRefusalEvent {
  readonly request: RequestFacts;
  readonly reason: RateLimitReason;
  /** The refusing rule's scope; undefined when the store failed. */
  readonly scope: RateLimitScope | undefined;
  readonly rule: RateLimitRule | undefined;
  /** The limit that applied (undefined when the store failed). */
  readonly limit: number | undefined;
  /** What the request cost. */
  readonly cost: number;
  readonly retryAfterMs: number;
}

export interface RateLimitStats {
  /** Requests counted and let through. */
  readonly allowed: number;
  /** Requests refused, for any reason. */
  readonly refused: number;
  readonly refusedByScope: Readonly<Record<RateLimitScope, number>>;
  /** Refused because the store failed (`failOpen: false`). */
  readonly refusedUnavailable: number;
  /** Requests that waited (`maxWaitMs`) and then went through. */
  readonly waited: number;
  /** Store calls that failed or timed out. */
  readonly storeErrors: number;
  /** True from a store failure until the next store call succeeds. */
  readonly storeFailing: boolean;
}

/** Levels of `limiter.check()`, in percent of requests refused. */
export interface RefusalCheckOptions {
  /** The recent period looked at, in milliseconds, 1000 to 60000. @default 60000 */
  readonly windowMs?: number;
  /** Warn at or above this percentage of refused requests. @default 10 */
  readonly warn?: number;
  /** Fail at or above this percentage. @default none (never fails) */
  readonly fail?: number;
  /** Pass while fewer requests than this arrived in the period. @default 10 */
  readonly minRequests?: number;
}

/** The result of a refusal check, in the shape @mcpscope/health checks return. */
export interface RefusalCheckResult {
  readonly status: 'pass' | 'warn' | 'fail';
  /** Percentage of requests refused in the period. */
  readonly observedValue: number;
  readonly observedUnit: '%';
  readonly componentType: 'component';
  readonly output?: string;
}

/** The plugin returned by `rateLimit()`, with its counts and a health check. */
export interface RateLimiter extends McpscopePlugin {
  readonly name: 'rate-limit';
  /** The rules resolved from the options, in the order they are checked. */
  readonly rules: readonly RateLimitRule[];
  /** Totals since the limiter was created. */
  stats(): RateLimitStats;
  /** Share of requests refused over the last `windowMs` (at most 60000), from 0 to 1. */
  refusalRate(windowMs?: number): number;
  /**
   * A health check reporting sustained refusal:
   * `health({ checks: { 'rate-limit:refusals': { check: limiter.check(), critical: false } } })`.
   */
  check(options?: RefusalCheckOptions): () => RefusalCheckResult;
}

/** The minimal Redis client the Redis store needs; an `ioredis` `Redis` (or `Cluster`) instance fits. */
export interface RedisClient {
  evalsha(sha: string, numberOfKeys: number, ...keysAndArguments: (string | number)[]): Promise<unknown>;
  eval(script: string, numberOfKeys: number, ...keysAndArguments: (string | number)[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** An ioredis client. The store never connects, closes or listens to it. Required. */
  readonly client: RedisClient;
  /** Prefix of every key; use a hash tag (`{rate-limit}:`) on Redis Cluster. @default 'mcpscope:rate-limit:' */
  readonly prefix?: string;
  /**
   * `redis`: the script reads Redis's `TIME`, so instances with skewed clocks agree (default).
   * `local`: the limiter's clock is sent with each call (tests with an injected clock).
   * @default 'redis'
   */
  readonly time?: 'redis' | 'local';
  /** A call slower than this counts as a failure. @default 500 */
  readonly timeoutMs?: number;
  /** After a failure, calls fail at once for this long before one call tries Redis again. @default 1000 */
  readonly retryIntervalMs?: number;
}

export interface MemoryStoreOptions {
  /**
   * Most client keys kept per rule (string keys; connections without a session id are kept while they
   * live). The least recently seen key is dropped first. @default 10000
   */
  readonly maxKeys?: number;
}
