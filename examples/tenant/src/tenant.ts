/**
 * The one place that reads a request's tenant. Every plugin's per-request hook calls `tenantOf`, so the
 * span attribute, the log field, the metric label, the Sentry tag and the rate-limit plan always agree.
 */
import type { RequestFacts } from '@mcpscope/core';

// #region tenant
/** The `_meta` key clients name their tenant under (custom `_meta` keys carry a prefix of their own). */
export const TENANT_META_KEY = 'example.com/tenant';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The tenant a request names in `params._meta`, or undefined when it names none. A malformed one throws:
 * each plugin reports its hook once (`MCPSCOPE_<PLUGIN>_HOOK_FAILED`) and handles the request as if the
 * hook had returned nothing; the client's answer does not change.
 */
export function tenantOf(request: Pick<RequestFacts, 'meta'>): string | undefined {
  const tenant = request.meta?.[TENANT_META_KEY];
  if (tenant === undefined) return undefined;
  if (typeof tenant !== 'string' || !TENANT_ID.test(tenant)) {
    throw new TypeError(`_meta["${TENANT_META_KEY}"] is not a tenant id`);
  }
  return tenant;
}
// #endregion tenant
