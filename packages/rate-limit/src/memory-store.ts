/**
 * The default store: counts in this process, answered synchronously. Memory stays bounded: string keys
 * live in a map of at most `maxKeys` per rule that drops the least recently seen key first; connection
 * keys live in a WeakMap and go with their connection.
 */
import { advance, type CounterState, freshState, take, waitTime } from './algorithms.js';
import type { ClientKey, MemoryStoreOptions, RateLimitRule, RateLimitStore, StoreRefusal } from './types.js';

const DEFAULT_MAX_KEYS = 10_000;

interface KeyedState extends CounterState {
  /** When the key was last (re)inserted, in insertions: how far it is from the map's recent end. */
  order: number;
}

class RuleTable {
  shared: CounterState | undefined = undefined;
  readonly byString = new Map<string, KeyedState>();
  readonly byObject = new WeakMap<object, CounterState>();
  private insertions = 0;

  constructor(
    private readonly rule: RateLimitRule,
    private readonly maxKeys: number,
  ) {}

  stateFor(client: ClientKey | undefined, now: number, burst: number): CounterState {
    if (this.rule.shared || client === undefined) {
      this.shared ??= freshState(this.rule, now, burst);
      return this.shared;
    }
    if (typeof client === 'string') return this.stateForString(client, now, burst);
    let state = this.byObject.get(client);
    if (state === undefined) {
      state = freshState(this.rule, now, burst);
      this.byObject.set(client, state);
    }
    return state;
  }

  /**
   * The map's order runs from least to most recently (re)inserted. A key seen again is moved to the
   * recent end only once it has drifted into the older half, so a busy key costs one lookup, and a key
   * seen at least once every `maxKeys / 2` new keys is never dropped.
   */
  private stateForString(client: string, now: number, burst: number): CounterState {
    const { byString } = this;
    let state = byString.get(client);
    if (state !== undefined) {
      if (this.insertions - state.order > this.maxKeys / 2) {
        byString.delete(client);
        state.order = ++this.insertions;
        byString.set(client, state);
      }
      return state;
    }
    if (byString.size >= this.maxKeys) {
      const oldest = byString.keys().next();
      if (oldest.done !== true) byString.delete(oldest.value);
    }
    state = { ...freshState(this.rule, now, burst), order: ++this.insertions };
    byString.set(client, state);
    return state;
  }
}

/** The in-memory store, with `size` (string keys held) for checking its bound. */
export class MemoryStore implements RateLimitStore {
  readonly maxKeys: number;
  private readonly tables = new WeakMap<readonly RateLimitRule[], RuleTable[]>();
  private readonly tablesByRule = new Map<RateLimitRule, RuleTable>();
  /**
   * The previous request's rules, client and states: the next request from the same client (every
   * request, on a stdio server) skips every lookup. Any other request replaces them, so a key served
   * from here cannot have been dropped meanwhile.
   */
  private lastRules: readonly RateLimitRule[] | undefined = undefined;
  private lastClient: ClientKey | undefined = undefined;
  private readonly lastStates: CounterState[] = [];

  constructor(options: MemoryStoreOptions = {}) {
    const { maxKeys = DEFAULT_MAX_KEYS } = options;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new TypeError(`memoryStore: maxKeys must be a whole number >= 1, got ${maxKeys}`);
    }
    this.maxKeys = maxKeys;
  }

  /** Keys held across all rules (string keys and shared counts; connection keys are not counted). */
  get size(): number {
    let size = 0;
    for (const table of this.tablesByRule.values()) {
      size += table.byString.size + (table.shared === undefined ? 0 : 1);
    }
    return size;
  }

  consume(
    rules: readonly RateLimitRule[],
    client: ClientKey | undefined,
    now: number,
    cost = 1,
    limits: readonly number[] | undefined = undefined,
  ): StoreRefusal | undefined {
    const states = this.lastStates;
    if (rules !== this.lastRules || client !== this.lastClient) {
      const tables = this.tablesFor(rules);
      for (let index = 0; index < rules.length; index++) {
        const rule = rules[index]!;
        const limit = limits?.[index] ?? rule.limit;
        states[index] = tables[index]!.stateFor(client, now, rule.burst ?? limit);
      }
      this.lastRules = rules;
      this.lastClient = client;
    }
    let refusedRule = -1;
    let retryAfterMs = 0;
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index]!;
      const state = states[index]!;
      const limit = limits?.[index] ?? rule.limit;
      const burst = rule.burst ?? limit;
      advance(rule, state, now, limit, burst);
      const wait = waitTime(rule, state, now, cost, limit, burst);
      if (wait > retryAfterMs) {
        retryAfterMs = wait;
        refusedRule = index;
      }
    }
    if (refusedRule >= 0) return { rule: refusedRule, retryAfterMs };
    for (let index = 0; index < rules.length; index++) take(rules[index]!, states[index]!, cost);
    return undefined;
  }

  private tablesFor(rules: readonly RateLimitRule[]): RuleTable[] {
    let tables = this.tables.get(rules);
    if (tables === undefined) {
      tables = rules.map((rule) => {
        let table = this.tablesByRule.get(rule);
        if (table === undefined) {
          table = new RuleTable(rule, this.maxKeys);
          this.tablesByRule.set(rule, table);
        }
        return table;
      });
      this.tables.set(rules, tables);
    }
    return tables;
  }
}

/** The default store: counts in this process. */
export function memoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options);
}
