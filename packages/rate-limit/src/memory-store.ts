/**
 * The default store: counts in this process, answered synchronously. Memory stays bounded: string keys
 * live in a least-recently-used map of at most `maxKeys` per rule; connection keys live in a WeakMap
 * and go with their connection.
 */
import { advance, type CounterState, freshState, take, waitTime } from './algorithms.js';
import type { ClientKey, MemoryStoreOptions, RateLimitRule, RateLimitStore, StoreRefusal } from './types.js';

const DEFAULT_MAX_KEYS = 10_000;

class RuleTable {
  shared: CounterState | undefined = undefined;
  readonly byString = new Map<string, CounterState>();
  readonly byObject = new WeakMap<object, CounterState>();

  constructor(
    private readonly rule: RateLimitRule,
    private readonly maxKeys: number,
  ) {}

  stateFor(client: ClientKey | undefined, now: number): CounterState {
    if (this.rule.shared || client === undefined) {
      this.shared ??= freshState(this.rule, now);
      return this.shared;
    }
    if (typeof client === 'string') return this.stateForString(client, now);
    let state = this.byObject.get(client);
    if (state === undefined) {
      state = freshState(this.rule, now);
      this.byObject.set(client, state);
    }
    return state;
  }

  private stateForString(client: string, now: number): CounterState {
    const { byString } = this;
    let state = byString.get(client);
    if (state !== undefined) {
      // Re-inserting moves the key to the end: the map's order is least to most recently seen.
      byString.delete(client);
      byString.set(client, state);
      return state;
    }
    if (byString.size >= this.maxKeys) {
      const oldest = byString.keys().next();
      if (oldest.done !== true) byString.delete(oldest.value);
    }
    state = freshState(this.rule, now);
    byString.set(client, state);
    return state;
  }
}

/** The in-memory store, with `size` (string keys held) for checking its bound. */
export class MemoryStore implements RateLimitStore {
  readonly maxKeys: number;
  private readonly tables = new Map<RateLimitRule, RuleTable>();
  /** States of the request being decided, reused across calls (the store is synchronous). */
  private readonly pending: CounterState[] = [];

  constructor(options: MemoryStoreOptions = {}) {
    const { maxKeys = DEFAULT_MAX_KEYS } = options;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new TypeError(`memoryStore: maxKeys must be a whole number >= 1, got ${maxKeys}`);
    }
    this.maxKeys = maxKeys;
  }

  /** Client keys held across all rules (string keys and shared counts; connection keys are not counted). */
  get size(): number {
    let size = 0;
    for (const table of this.tables.values())
      size += table.byString.size + (table.shared === undefined ? 0 : 1);
    return size;
  }

  consume(
    rules: readonly RateLimitRule[],
    client: ClientKey | undefined,
    now: number,
  ): StoreRefusal | undefined {
    const { pending } = this;
    let refusedRule = -1;
    let retryAfterMs = 0;
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index]!;
      let table = this.tables.get(rule);
      if (table === undefined) {
        table = new RuleTable(rule, this.maxKeys);
        this.tables.set(rule, table);
      }
      const state = table.stateFor(client, now);
      advance(rule, state, now);
      const wait = waitTime(rule, state, now);
      if (wait > retryAfterMs) {
        retryAfterMs = wait;
        refusedRule = index;
      }
      pending[index] = state;
    }
    if (refusedRule >= 0) return { rule: refusedRule, retryAfterMs };
    for (let index = 0; index < rules.length; index++) take(rules[index]!, pending[index]!);
    return undefined;
  }
}

/** The default store: counts in this process. */
export function memoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options);
}
