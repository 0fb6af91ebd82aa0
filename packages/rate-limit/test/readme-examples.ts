/**
 * The README's code blocks (scripts/snippets.mjs copies each region into packages/rate-limit/README.md),
 * typechecked with the package and run by src/readme-examples.test.ts.
 */
import { health } from '@mcpscope/health';
import { Redis } from 'ioredis';
import { rateLimit, redisStore } from '../src/index.js';

export function sharedThroughRedis(url: string) {
  // #region redis
  const redis = new Redis(url, { enableOfflineQueue: false });
  redis.on('error', () => {}); // the store reports failures itself, once per outage
  const limiter = rateLimit({
    global: { limit: 1_000, windowMs: 1_000 },
    store: redisStore({ client: redis }),
  });
  // #endregion redis
  return { redis, limiter };
}

export function tenantPlans() {
  // #region tenants
  const PLANS: Record<string, number> = { gold: 600, silver: 120 };
  const tenantOf = (request: { meta?: Readonly<Record<string, unknown>> | undefined }) =>
    typeof request.meta?.tenant === 'string' ? request.meta.tenant : undefined;

  const limiter = rateLimit({
    key: (request) => tenantOf(request), // one count per tenant (the session when there is none)
    client: { limit: (request) => PLANS[tenantOf(request) ?? ''], defaultLimit: 30, windowMs: 60_000 },
    cost: (request) => (request.target === 'generate_report' ? 10 : 1), // an expensive tool
    message: (request, _rule, { limit }) => `${tenantOf(request) ?? 'anonymous'}: ${limit} calls per minute`,
  });
  // #endregion tenants
  return limiter;
}

export function refusalHealthCheck() {
  // #region health-check
  const limiter = rateLimit({ client: { limit: 100 } });
  const probes = health({
    checks: { 'rate-limit:refusals': { check: limiter.check({ warn: 10, fail: 50 }), critical: false } },
  });
  // server.use(limiter, probes)
  // #endregion health-check
  return { limiter, probes };
}
