/**
 * The three algorithms on one mutable state, in whole numbers when the clock gives whole milliseconds.
 * src/redis-script.ts holds the same arithmetic in Lua; the two must stay equal (tested). A request
 * costs `cost` units; `limit` and `burst` are the ones that apply to it (a rule's own, or per request).
 *
 * - Token bucket: `value` is the bucket level scaled by `windowMs` (a unit costs `windowMs`, the bucket
 *   holds `burst * windowMs` and refills `limit` per millisecond); `time` is the last refill.
 * - Fixed window: `time` is the window index (`floor(now / windowMs)`), `value` its count.
 * - Sliding window: as fixed, plus `previous`, the previous window's count; a request passes while
 *   `previous * (windowMs - elapsed) / windowMs + value + cost <= limit`.
 *
 * A request costing more than the bucket (`burst`) or the window's `limit` can never pass: its wait is
 * the rule's window, a hint that it is refused.
 */
import type { RateLimitRule } from './types.js';

export interface CounterState {
  time: number;
  value: number;
  previous: number;
}

export function freshState(rule: RateLimitRule, now: number, burst: number): CounterState {
  if (rule.algorithm === 'token-bucket') return { time: now, value: burst * rule.windowMs, previous: 0 };
  return { time: Math.floor(now / rule.windowMs), value: 0, previous: 0 };
}

/** Brings the state to `now`: refills the bucket or rolls the window. Safe to keep when refused. */
export function advance(
  rule: RateLimitRule,
  state: CounterState,
  now: number,
  limit: number,
  burst: number,
): void {
  if (rule.algorithm === 'token-bucket') {
    if (now > state.time) {
      state.value = Math.min(burst * rule.windowMs, state.value + (now - state.time) * limit);
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

/** Milliseconds until a request of `cost` may pass (0: it may pass now). Call after `advance`. */
export function waitTime(
  rule: RateLimitRule,
  state: CounterState,
  now: number,
  cost: number,
  limit: number,
  burst: number,
): number {
  const { windowMs } = rule;
  if (rule.algorithm === 'token-bucket') {
    const need = cost * windowMs;
    if (cost > burst) return windowMs;
    return state.value >= need ? 0 : Math.ceil((need - state.value) / limit);
  }
  if (cost > limit) return windowMs;
  if (rule.algorithm === 'fixed-window') {
    return state.value + cost <= limit ? 0 : Math.ceil((state.time + 1) * windowMs - now);
  }
  const { value, previous } = state;
  const elapsed = now - state.time * windowMs;
  if (previous * (windowMs - elapsed) + (value + cost) * windowMs <= limit * windowMs) return 0;
  return Math.max(1, Math.ceil(slidingWait(limit, windowMs, previous, value, elapsed, cost)));
}

export function take(rule: RateLimitRule, state: CounterState, cost: number): void {
  if (rule.algorithm === 'token-bucket') state.value -= cost * rule.windowMs;
  else state.value += cost;
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
  cost: number,
): number {
  // Later in this window, as the previous window's weight fades.
  if (value + cost <= limit && previous > 0) {
    const at = firstAllowed(elapsed, previous, windowMs, (limit - value - cost) * windowMs);
    if (at < windowMs) return at - elapsed;
  }
  // In the next window, where this window's count becomes the fading one.
  if (value <= limit - cost) return windowMs - elapsed;
  const at = firstAllowed(0, value, windowMs, (limit - cost) * windowMs);
  return at < windowMs ? windowMs - elapsed + at : 2 * windowMs - elapsed;
}
