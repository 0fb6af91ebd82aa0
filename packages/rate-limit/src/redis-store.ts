/**
 * A store shared by every server instance connected to one Redis: each request is one atomic script
 * run (EVALSHA, falling back to EVAL when Redis does not know the script yet). After a failure the store
 * fails at once for `retryIntervalMs`, then lets one call try Redis again, so an outage costs no
 * per-request timeouts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ALGORITHM_CODES, RATE_LIMIT_SCRIPT, RATE_LIMIT_SCRIPT_SHA1 } from './redis-script.js';
import type {
  ClientKey,
  RateLimitRule,
  RateLimitStore,
  RedisClient,
  RedisStoreOptions,
  StoreRefusal,
} from './types.js';

/** The store failed at once because a recent call failed; `cause` is that failure. */
export class RedisStoreUnavailableError extends Error {
  override readonly name = 'RedisStoreUnavailableError';
}

function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function parseReply(reply: unknown): StoreRefusal | undefined {
  if (!Array.isArray(reply) || reply.length !== 3) {
    throw new TypeError(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
  }
  if (Number(reply[0]) === 1) return undefined;
  return { rule: Number(reply[1]) - 1, retryAfterMs: Number(reply[2]) };
}

export class RedisStore implements RateLimitStore {
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly localTime: boolean;
  private readonly timeoutMs: number;
  private readonly retryIntervalMs: number;
  /** Connections without a session id get a name unique to this process, for keys shared with Redis. */
  private readonly connectionNames = new WeakMap<object, string>();
  private readonly processName = randomUUID();
  private connectionCount = 0;
  private failedAt = Number.NEGATIVE_INFINITY;
  private lastFailure: unknown = undefined;
  private probing = false;

  constructor(options: RedisStoreOptions) {
    const {
      client,
      prefix = 'mcpscope:rate-limit:',
      time = 'redis',
      timeoutMs = 500,
      retryIntervalMs = 1_000,
    } = options;
    if (typeof client?.evalsha !== 'function' || typeof client.eval !== 'function') {
      throw new TypeError('redisStore: `client` must be a Redis client with evalsha and eval (ioredis)');
    }
    this.client = client;
    this.prefix = prefix;
    this.localTime = time === 'local';
    this.timeoutMs = timeoutMs;
    this.retryIntervalMs = retryIntervalMs;
  }

  consume(
    rules: readonly RateLimitRule[],
    client: ClientKey | undefined,
    now: number,
    cost = 1,
    limits: readonly number[] | undefined = undefined,
  ): Promise<StoreRefusal | undefined> {
    const sinceFailure = performance.now() - this.failedAt;
    if (sinceFailure < this.retryIntervalMs || (this.probing && Number.isFinite(this.failedAt))) {
      return Promise.reject(
        new RedisStoreUnavailableError('Redis failed recently; not trying again yet', {
          cause: this.lastFailure,
        }),
      );
    }
    if (Number.isFinite(this.failedAt)) this.probing = true;
    const clientName = client === undefined ? '' : this.nameOf(client);
    const keys: string[] = [];
    const args: (string | number)[] = [this.localTime ? Math.floor(now) : '', cost];
    for (const [index, rule] of rules.entries()) {
      const limit = limits?.[index] ?? rule.limit;
      keys.push(rule.shared ? `${this.prefix}${rule.id}` : `${this.prefix}${rule.id}|${clientName}`);
      args.push(ALGORITHM_CODES[rule.algorithm], limit, rule.windowMs, rule.burst ?? limit);
    }
    return this.withTimeout(this.run(keys, args)).then(
      (reply) => {
        this.failedAt = Number.NEGATIVE_INFINITY;
        this.lastFailure = undefined;
        this.probing = false;
        return parseReply(reply);
      },
      (error: unknown) => {
        this.failedAt = performance.now();
        this.lastFailure = error;
        this.probing = false;
        throw error;
      },
    );
  }

  private async run(keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.client.evalsha(RATE_LIMIT_SCRIPT_SHA1, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScriptError(error)) throw error;
      return this.client.eval(RATE_LIMIT_SCRIPT, keys.length, ...keys, ...args);
    }
  }

  private withTimeout(call: Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
      call.then(
        (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /**
   * Keys hold a hash of the client key: session ids and principals never sit in Redis in clear, and a
   * key function returning long strings cannot make long keys.
   */
  private nameOf(client: ClientKey): string {
    if (typeof client === 'string') return createHash('sha256').update(client).digest('base64url');
    let name = this.connectionNames.get(client);
    if (name === undefined) {
      name = `connection:${this.processName}:${++this.connectionCount}`;
      this.connectionNames.set(client, name);
    }
    return name;
  }
}

/** A store in Redis, shared by every instance using the same Redis and prefix. Needs ioredis. */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}
