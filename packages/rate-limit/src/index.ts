export { PLUGIN_NAME, RATE_LIMITED_ERROR_CODE } from './errors.js';
export { MemoryStore, memoryStore } from './memory-store.js';
export { rateLimit } from './rate-limit.js';
export { RedisStore, RedisStoreUnavailableError, redisStore } from './redis-store.js';
export type {
  Algorithm,
  ClientKey,
  ClientKeyOption,
  MemoryStoreOptions,
  RateLimitClock,
  RateLimiter,
  RateLimitOptions,
  RateLimitReason,
  RateLimitRefusalEvent,
  RateLimitRule,
  RateLimitScope,
  RateLimitStats,
  RateLimitStore,
  RedisClient,
  RedisStoreOptions,
  RefusalCheckOptions,
  RefusalCheckResult,
  RuleOptions,
  StoreRefusal,
  TargetRuleOptions,
} from './types.js';
