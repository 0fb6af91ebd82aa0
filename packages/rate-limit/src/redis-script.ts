/**
 * The Redis store's one atomic script: the arithmetic of src/algorithms.ts in Lua, over every rule of
 * one request at once (allowed only if all allow; counted by all or by none).
 *
 * KEYS: one key per rule. ARGV[1]: now in milliseconds, or '' to read Redis's TIME. ARGV[2]: the
 * request's cost. Then four values per rule: algorithm (1 token bucket, 2 fixed window, 3 sliding
 * window), the limit that applies, windowMs, the bucket size.
 * Each key holds "time value previous" and expires once its state would be the fresh one anyway.
 * Returns {1, 0, 0} when allowed, {0, refusing rule (1-based), retryAfterMs} when refused.
 */
import { createHash } from 'node:crypto';
import type { Algorithm } from './types.js';

export const ALGORITHM_CODES: Readonly<Record<Algorithm, number>> = {
  'token-bucket': 1,
  'fixed-window': 2,
  'sliding-window': 3,
};

export const RATE_LIMIT_SCRIPT = `
local now = tonumber(ARGV[1])
if now == nil then
  local clock = redis.call('TIME')
  now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
end

local function first_allowed(lowest, weight, window, budget)
  local x = math.max(math.ceil(lowest), math.ceil(window - budget / weight))
  while x - 1 >= lowest and weight * (window - (x - 1)) <= budget do x = x - 1 end
  while weight * (window - x) > budget do x = x + 1 end
  return x
end

local function sliding_wait(limit, window, previous, value, elapsed, cost)
  if value + cost <= limit and previous > 0 then
    local at = first_allowed(elapsed, previous, window, (limit - value - cost) * window)
    if at < window then return at - elapsed end
  end
  if value <= limit - cost then return window - elapsed end
  local at = first_allowed(0, value, window, (limit - cost) * window)
  if at < window then return window - elapsed + at end
  return 2 * window - elapsed
end

local cost = tonumber(ARGV[2])
local count = #KEYS
local algorithms, limits, windows, bursts = {}, {}, {}, {}
local times, values, previouses = {}, {}, {}
local refused, retry = 0, 0

for i = 1, count do
  local base = 3 + (i - 1) * 4
  local algorithm = tonumber(ARGV[base])
  local limit = tonumber(ARGV[base + 1])
  local window = tonumber(ARGV[base + 2])
  local burst = tonumber(ARGV[base + 3])
  local t, v, p
  local raw = redis.call('GET', KEYS[i])
  if raw then
    local a, b, c = string.match(raw, '^(%S+) (%S+) (%S+)$')
    t, v, p = tonumber(a), tonumber(b), tonumber(c)
  end
  local wait = 0
  if algorithm == 1 then
    local capacity = burst * window
    if t == nil then
      t, v, p = now, capacity, 0
    elseif now > t then
      v = math.min(capacity, v + (now - t) * limit)
      t = now
    end
    if cost > burst then
      wait = window
    elseif v < cost * window then
      wait = math.ceil((cost * window - v) / limit)
    end
  else
    local index = math.floor(now / window)
    if t == nil then
      t, v, p = index, 0, 0
    elseif index > t then
      if algorithm == 3 and index == t + 1 then p = v else p = 0 end
      v = 0
      t = index
    end
    if cost > limit then
      wait = window
    elseif algorithm == 2 then
      if v + cost > limit then wait = math.ceil((t + 1) * window - now) end
    else
      local elapsed = now - t * window
      if p * (window - elapsed) + (v + cost) * window > limit * window then
        wait = math.max(1, math.ceil(sliding_wait(limit, window, p, v, elapsed, cost)))
      end
    end
  end
  algorithms[i], limits[i], windows[i], bursts[i] = algorithm, limit, window, burst
  times[i], values[i], previouses[i] = t, v, p
  if wait > retry then
    retry = wait
    refused = i
  end
end

if refused > 0 then return {0, refused, retry} end

for i = 1, count do
  local algorithm, limit, window = algorithms[i], limits[i], windows[i]
  local t, v, p = times[i], values[i], previouses[i]
  local ttl
  if algorithm == 1 then
    v = v - cost * window
    ttl = math.ceil((bursts[i] * window - v) / limit)
  elseif algorithm == 2 then
    v = v + cost
    ttl = math.ceil((t + 1) * window - now)
  else
    v = v + cost
    ttl = math.ceil((t + 2) * window - now)
  end
  local state = string.format('%.17g %.17g %.17g', t, v, p)
  redis.call('SET', KEYS[i], state, 'PX', math.max(1, ttl))
end
return {1, 0, 0}
`;

export const RATE_LIMIT_SCRIPT_SHA1 = createHash('sha1').update(RATE_LIMIT_SCRIPT).digest('hex');
