/**
 * The `/metrics` route: content negotiation between the Prometheus text format 0.0.4 and OpenMetrics
 * 1.0.0, an optional bearer token, and rendering any registry in either format.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouteHandler, RouteRequest, RouteResponse } from '@mcpscope/core';
import {
  openMetricsContentType,
  prometheusContentType,
  Registry,
  type RegistryContentType,
} from 'prom-client';
import type { AnyRegistry } from './instruments.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: prometheusContentType,
  openmetrics: openMetricsContentType,
};

function quality(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=');
    if (name?.trim().toLowerCase() === 'q') {
      const q = Number(value);
      return Number.isFinite(q) ? q : 0;
    }
  }
  return 1;
}

function version(parameters: readonly string[]): string | undefined {
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=');
    if (name?.trim().toLowerCase() === 'version') return value?.trim();
  }
  return undefined;
}

/**
 * OpenMetrics when the client names `application/openmetrics-text` (version 1.0.0 or unversioned)
 * at least as strongly as anything the text format satisfies; the text format otherwise.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined) return 'prometheus';
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [mediaType = '', ...parameters] = range.split(';');
    const type = mediaType.trim().toLowerCase();
    const q = quality(parameters);
    if (type === 'application/openmetrics-text') {
      const requested = version(parameters);
      if (requested === undefined || requested === '1.0.0') openMetrics = Math.max(openMetrics, q);
    } else if (type === 'text/plain') {
      const requested = version(parameters);
      if (requested === undefined || requested === '0.0.4') text = Math.max(text, q);
    } else if (type === '*/*' || type === 'text/*') {
      text = Math.max(text, q);
    }
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'prometheus';
}

interface CounterLike {
  readonly name: string;
  readonly type: string;
  get(): Promise<{ name: string }>;
}

/**
 * prom-client renames counters in place when it renders OpenMetrics (`x_total` becomes family `x`).
 * Rendering goes through a view registry holding stand-ins for counters, so the metrics themselves,
 * and every later render in the other format, keep their names.
 */
function counterStandIn(counter: CounterLike, name: string): CounterLike {
  return {
    name,
    type: 'counter',
    get: async () => ({ ...(await counter.get()), name }),
  };
}

function defaultLabelsOf(registry: AnyRegistry): object {
  return (registry as unknown as { _defaultLabels?: object })._defaultLabels ?? {};
}

export function renderRegistry(registry: AnyRegistry, format: ExpositionFormat): Promise<string> {
  const wanted = CONTENT_TYPES[format];
  if (registry.contentType === wanted) return registry.metrics();
  const view = new Registry<RegistryContentType>();
  view.setContentType(wanted as RegistryContentType);
  view.setDefaultLabels(defaultLabelsOf(registry));
  for (const metric of registry.getMetricsAsArray() as unknown as CounterLike[]) {
    let member = metric;
    if (metric.type === 'counter') {
      const family = metric.name.replace(/_total$/, '');
      // OpenMetrics samples of a counter are `<family>_total`; the same name in the text format.
      member = counterStandIn(metric, format === 'openmetrics' ? family : `${family}_total`);
    }
    view.registerMetric(member as unknown as Parameters<AnyRegistry['registerMetric']>[0]);
  }
  return view.metrics();
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function bearerGuard(token: string | undefined): (request: RouteRequest) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (request) => {
    const header = request.header('authorization');
    const match = header === undefined ? null : /^bearer\s+(.+)$/i.exec(header.trim());
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
}

const TEXT = 'text/plain; charset=utf-8';

export interface MetricsRouteOptions {
  readonly render: (format: ExpositionFormat) => Promise<{ body: string; format: ExpositionFormat }>;
  readonly bearerToken: string | undefined;
}

export function metricsRoute({ render, bearerToken }: MetricsRouteOptions): RouteHandler {
  const authorized = bearerGuard(bearerToken);
  return async (request): Promise<RouteResponse> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return {
        status: 405,
        headers: { allow: 'GET, HEAD', 'content-type': TEXT },
        body: 'Method Not Allowed\n',
      };
    }
    if (!authorized(request)) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': TEXT },
        body: 'Unauthorized\n',
      };
    }
    const { body, format } = await render(negotiateFormat(request.header('accept')));
    return {
      status: 200,
      headers: { 'content-type': CONTENT_TYPES[format], 'cache-control': 'no-store', vary: 'Accept' },
      body,
    };
  };
}
