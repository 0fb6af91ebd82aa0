/**
 * Node cluster support through prom-client's AggregatorRegistry: workers answer the primary's
 * requests for their registries; the primary serves the sum of all workers on one route.
 */
import type { McpscopePlugin } from '@mcpscope/core';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { metricsRoute } from './exposition.js';
import type { AnyRegistry } from './instruments.js';
import type { ClusterMetricsOptions } from './prometheus-types.js';

const sharedRegistries = new Set<AnyRegistry>();
let answeringPrimary = false;

/** Whether this process is a Node cluster worker (node:cluster is loaded only when asked). */
export function isClusterWorker(): boolean {
  return (process.getBuiltinModule('node:cluster') as unknown as { readonly isWorker: boolean }).isWorker;
}

/** In a worker: make `registry` part of what the primary aggregates. */
export function shareWithPrimary(registry: AnyRegistry): void {
  if (!sharedRegistries.has(registry)) {
    sharedRegistries.add(registry);
    AggregatorRegistry.setRegistries([...sharedRegistries] as Registry[]);
  }
  if (!answeringPrimary) {
    answeringPrimary = true;
    // Constructing one installs prom-client's listener for the primary's metric requests.
    new AggregatorRegistry();
  }
}

/**
 * In the cluster primary: a route source serving the metrics of every worker, summed by prom-client's
 * AggregatorRegistry, in the Prometheus text format. Serve it with core's `nodeHandler([...])`.
 */
export function clusterMetrics(options: ClusterMetricsOptions = {}): McpscopePlugin {
  const { path = '/metrics', bearerToken } = options;
  const aggregator = new AggregatorRegistry();
  const render = async () => ({ body: await aggregator.clusterMetrics(), format: 'prometheus' as const });
  return { name: 'metrics-cluster', routes: { [path]: metricsRoute({ render, bearerToken }) } };
}
