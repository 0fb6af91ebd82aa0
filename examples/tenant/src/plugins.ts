/** The six plugins, each per-request hook reading the tenant through `tenantOf`. */
import type { McpscopePlugin } from '@mcpscope/core';
import { type HealthPlugin, health } from '@mcpscope/health';
import { logging } from '@mcpscope/logging';
import { metrics } from '@mcpscope/metrics';
import { type RateLimitClock, type RateLimiter, rateLimit } from '@mcpscope/rate-limit';
import { sentry } from '@mcpscope/sentry';
import { tracing } from '@mcpscope/tracing';
import type { TracerProvider } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { tenantOf } from './tenant.js';

// #region plans
/** Request units per minute of each tenant with a plan; tenants without one (or no tenant) get `DEFAULT_PLAN`. */
export const PLANS: ReadonlyMap<string, number> = new Map([
  ['acme', 20],
  ['globex', 6],
]);
export const DEFAULT_PLAN = 10;
/** What a `generate_report` call costs against the plan; every other request costs 1. */
export const REPORT_COST = 5;
/** Its successful requests are logged at `debug` instead of `info`. */
export const NOISY_TENANT = 'globex';
// #endregion plans

export interface TenantPluginOptions {
  /** Your pino logger. @default the logging plugin's stderr logger */
  readonly logger?: Logger;
  /** @default a registry of its own, served at /metrics */
  readonly registry?: Registry;
  /** @default the globally registered provider */
  readonly tracerProvider?: TracerProvider;
  /** The rate limiter's time. @default Date.now and setTimeout */
  readonly clock?: RateLimitClock;
}

export interface TenantPlugins {
  /** Every plugin, for `server.use(...plugins.all)` and `nodeHandler(plugins.all)`. */
  readonly all: readonly McpscopePlugin[];
  readonly limiter: RateLimiter;
  readonly health: HealthPlugin;
}

export function tenantPlugins(options: TenantPluginOptions = {}): TenantPlugins {
  const { logger, registry = new Registry(), tracerProvider, clock } = options;

  // #region plugins
  // logger, registry, tracerProvider, clock: this function's options (left out: each plugin's default).
  const limiter = rateLimit({
    key: tenantOf, // one count per tenant (per connection for requests that name none)
    client: {
      limit: (request) => PLANS.get(tenantOf(request) ?? ''),
      defaultLimit: DEFAULT_PLAN,
      windowMs: 60_000,
    },
    cost: (request) => (request.target === 'generate_report' ? REPORT_COST : 1), // an expensive tool
    message: (request, _rule, { limit, retryAfterMs }) =>
      `Tenant ${tenantOf(request) ?? '(none)'} is over its plan of ${limit} request units per minute; ` +
      `retry in ${Math.ceil(retryAfterMs / 1_000)} s`,
    clock,
  });
  const probes = health();
  const plugins = [
    tracing({
      tracerProvider,
      requestHook: (span, request) => {
        const tenant = tenantOf(request);
        if (tenant !== undefined) span.setAttribute('tenant.id', tenant);
      },
      ignore: (request) => request.method === 'ping',
    }),
    logging({
      logger,
      customProps: (request) => {
        const tenant = tenantOf(request);
        return tenant === undefined ? undefined : { tenant };
      },
      customLogLevel: (request) =>
        request.outcome === 'ok' && tenantOf(request) === NOISY_TENANT ? 'debug' : undefined,
    }),
    metrics({
      registry,
      // Bounded: tenants without a plan are recorded as `_OTHER`, requests without a tenant as ''.
      customLabels: { tenant: { values: [...PLANS.keys()], value: tenantOf } },
    }),
    sentry({
      beforeCapture: (scope, request) => {
        const tenant = tenantOf(request);
        if (tenant !== undefined) scope.setTag('tenant', tenant);
      },
    }),
    limiter,
    probes,
  ];
  // #endregion plugins

  return { all: plugins, limiter, health: probes };
}
