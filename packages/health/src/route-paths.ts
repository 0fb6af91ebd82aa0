/** Where the probes are served (`paths`), checked once. */
import type { HealthPaths } from './types.js';

export interface RoutePaths {
  readonly livez: string;
  readonly readyz: string;
  readonly healthz: string | false;
}

function path(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw new TypeError(`health(): paths.${name} must be a path starting with '/', got ${String(value)}.`);
  }
  return value;
}

export function resolvePaths(paths: HealthPaths): RoutePaths {
  const { livez = '/livez', readyz = '/readyz', healthz = '/healthz' } = paths;
  const resolved: RoutePaths = {
    livez: path(livez, 'livez'),
    readyz: path(readyz, 'readyz'),
    healthz: healthz === false ? false : path(healthz, 'healthz'),
  };
  const used = [resolved.livez, resolved.readyz, resolved.healthz].filter((value) => value !== false);
  if (new Set(used).size !== used.length) {
    throw new TypeError(`health(): paths must differ from each other, got ${used.join(', ')}.`);
  }
  return resolved;
}
