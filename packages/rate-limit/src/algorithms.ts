/**
 * The three algorithms on one mutable state, in whole numbers when the clock gives whole milliseconds.
 * src/redis-script.ts holds the same arithmetic in Lua; the two must stay equal (tested).
 *
 * - Token bucket: `value` is the bucket level scaled by `windowMs` (a request costs `windowMs`, the
 *   bucket holds `burst * windowMs` and refills `limit` per millisecond); `time` is the last refill.
 * - Fixed window: `time` is the window index (`floor(now / windowMs)`), `value` its count.
 * - Sliding window: as fixed, plus `previous`, the previous window's count; a request passes while
 *   `previous * (windowMs - elapsed) / windowMs + value + 1 <= limit`.
 */
import type { RateLimitRule } from './types.js';

export interface CounterState {
  time: number;
  value: number;
  previous: number;
}

export function freshState(rule: RateLimitRule, now: number): CounterState {
  if (rule.algorithm === 'token-bucket') return { time: now, value: rule.burst * rule.windowMs, previous: 0 };
  return { time: Math.floor(now / rule.windowMs), value: 0, previous: 0 };
}

/** Brings the state to `now`: refills the bucket or rolls the window. Safe to keep when refused. */
export function advance(rule: RateLimitRule, state: CounterState, now: number): void {
  if (rule.algorithm === 'token-bucket') {
    if (now > state.time) {
      state.value = Math.min(rule.burst * rule.windowMs, state.value + (now - state.time) * rule.limit);
      state.time = now;
    }
    return;
  }
  const index = Math.floor(now / rule.windowMs);
  if (index <= state.time) return;
  state.previous = rule.algorithm === 'sliding-window' && index === state.time + 1 ? state.value : 0;
  state.value = 0;
  state.time = index;
}

/** Milliseconds until one more request may pass (0: it may pass now). Call after `advance`. */
export function waitTime(rule: RateLimitRule, state: CounterState, now: number): number {
  const { limit, windowMs } = rule;
  if (rule.algorithm === 'token-bucket') {
    return state.value >= windowMs ? 0 : Math.ceil((windowMs - state.value) / limit);
  }
  if (rule.algorithm === 'fixed-window') {
    return state.value < limit ? 0 : Math.ceil((state.time + 1) * windowMs - now);
  }
  const { value, previous } = state;
  const elapsed = now - state.time * windowMs;
  if (previous * (windowMs - elapsed) + (value + 1) * windowMs <= limit * windowMs) return 0;
  return Math.max(1, Math.ceil(slidingWait(limit, windowMs, previous, value, elapsed)));
}

export function take(rule: RateLimitRule, state: CounterState): void {
  if (rule.algorithm === 'token-bucket') state.value -= rule.windowMs;
  else state.value++;
}

/** Smallest whole `x >= lowest` with `weight * (windowMs - x) <= budget`, for `weight > 0`. */
function firstAllowed(lowest: number, weight: number, windowMs: number, budget: number): number {
  let x = Math.max(Math.ceil(lowest), Math.ceil(windowMs - budget / weight));
  while (x - 1 >= lowest && weight * (windowMs - (x - 1)) <= budget) x--;
  while (weight * (windowMs - x) > budget) x++;
  return x;
}

function slidingWait(
  limit: number,
  windowMs: number,
  previous: number,
  value: number,
  elapsed: number,
): number {
  // Later in this window, as the previous window's weight fades.
  if (value + 1 <= limit && previous > 0) {
    const at = firstAllowed(elapsed, previous, windowMs, (limit - value - 1) * windowMs);
    if (at < windowMs) return at - elapsed;
  }
  // In the next window, where this window's count becomes the fading one.
  if (value <= limit - 1) return windowMs - elapsed;
  const at = firstAllowed(0, value, windowMs, (limit - 1) * windowMs);
  return at < windowMs ? windowMs - elapsed + at : 2 * windowMs - elapsed;
}
