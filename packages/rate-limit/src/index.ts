export { RATE_LIMIT_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
export { MemoryStore, memoryStore } from './memory-store.js';
export { rateLimit } from './rate-limit.js';
export { RedisStore, RedisStoreUnavailableError, redisStore } from './redis-store.js';
export type {
  Algorithm,
  ClientKey,
  ClientKeyOption,
  LimitFunction,
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
  RefusalDetails,
  RuleOptions,
  StoreRefusal,
  TargetRuleOptions,
} from './types.js';
