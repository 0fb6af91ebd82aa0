import { describe, expect, it } from 'vitest';
import { START_TIME } from '../test/manual-clock.js';
import { MemoryStore, memoryStore } from './memory-store.js';
import { rateLimit } from './rate-limit.js';

const rules = [...rateLimit({ client: { limit: 1, windowMs: 60_000 } }).rules];

describe('memory store', () => {
  it('stays within maxKeys under 100k distinct keys, dropping the least recently seen first', () => {
    const store = memoryStore();
    expect(store.maxKeys).toBe(10_000);
    store.consume(rules, 'kept', START_TIME);
    for (let index = 0; index < 100_000; index++) {
      store.consume(rules, `client-${index}`, START_TIME);
      // Seen again now and then, so it stays among the most recent.
      if (index % 2_000 === 0) store.consume(rules, 'kept', START_TIME);
      if (index % 1_000 === 0) expect(store.size).toBeLessThanOrEqual(10_000);
    }
    expect(store.size).toBe(10_000);
    // Still counted: its one request per minute is used up.
    expect(store.consume(rules, 'kept', START_TIME)).toEqual({ rule: 0, retryAfterMs: 60_000 });
    // Dropped long ago: counted afresh.
    expect(store.consume(rules, 'client-0', START_TIME)).toBeUndefined();
    // Among the last 10,000: still counted.
    expect(store.consume(rules, 'client-99999', START_TIME)).toEqual({ rule: 0, retryAfterMs: 60_000 });
  });

  it('honours a smaller maxKeys', () => {
    const store = memoryStore({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c', 'd']) store.consume(rules, key, START_TIME);
    expect(store.size).toBe(3);
    expect(store.consume(rules, 'a', START_TIME)).toBeUndefined();
    expect(store.consume(rules, 'd', START_TIME)).toEqual({ rule: 0, retryAfterMs: 60_000 });
    expect(() => memoryStore({ maxKeys: 0 })).toThrow(/maxKeys/);
  });

  it('keeps connection keys apart and outside the string bound', () => {
    const store = new MemoryStore({ maxKeys: 1 });
    const first = {};
    const second = {};
    expect(store.consume(rules, first, START_TIME)).toBeUndefined();
    expect(store.consume(rules, second, START_TIME)).toBeUndefined();
    expect(store.consume(rules, 'name', START_TIME)).toBeUndefined();
    expect(store.consume(rules, first, START_TIME)).toEqual({ rule: 0, retryAfterMs: 60_000 });
    expect(store.consume(rules, second, START_TIME)).toEqual({ rule: 0, retryAfterMs: 60_000 });
    expect(store.size).toBe(1);
  });

  it('keeps one count for shared rules whatever the client', () => {
    const shared = [...rateLimit({ client: false, global: { limit: 2 } }).rules];
    const store = new MemoryStore();
    expect(store.consume(shared, 'a', START_TIME)).toBeUndefined();
    expect(store.consume(shared, 'b', START_TIME)).toBeUndefined();
    expect(store.consume(shared, 'c', START_TIME)).toEqual({ rule: 0, retryAfterMs: 30_000 });
    expect(store.size).toBe(1);
  });
});
