/**
 * Creates mcpscope's metrics in a registry, or reuses the ones already there: the same plugin
 * options attached again, another plugin instance, or a module reloaded in the same process all
 * record into one set of series and never meet prom-client's "already registered" error.
 */
import { Counter, Gauge, type Registry, type RegistryContentType } from 'prom-client';
import { HistogramMetric } from './histogram-metric.js';

/** Marks metrics created by this package (any copy of it) with the options they were created with. */
const SIGNATURE = Symbol.for('@mcpscope/metrics.signature');

export type AnyRegistry = Registry<RegistryContentType>;

interface Definition {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
}

type Signed = { [SIGNATURE]?: string };

function reusable<Metric>(registry: AnyRegistry, name: string, signature: string): Metric | undefined {
  const existing = registry.getSingleMetric(name) as (Signed & object) | undefined;
  if (existing === undefined) return undefined;
  if (existing[SIGNATURE] === signature) return existing as Metric;
  if (existing[SIGNATURE] === undefined) {
    throw new Error(
      `metrics(): a metric named "${name}" is already registered in this registry by other code; ` +
        'pass another `registry` or a `prefix`.',
    );
  }
  // Created by mcpscope with other options (e.g. before a reload): the new options win.
  registry.removeSingleMetric(name);
  return undefined;
}

function register<Metric extends object>(registry: AnyRegistry, metric: Metric, signature: string): Metric {
  (metric as Signed)[SIGNATURE] = signature;
  // Registered by hand (`registers: []`): the signature must be set before the registry holds it.
  registry.registerMetric(metric as unknown as Parameters<AnyRegistry['registerMetric']>[0]);
  return metric;
}

export function histogram(
  registry: AnyRegistry,
  definition: Definition & { readonly buckets: readonly number[] },
): HistogramMetric {
  const { name, help, labelNames, buckets } = definition;
  const signature = `histogram-v2|${labelNames.join(',')}|${buckets.join(',')}`;
  const existing = reusable<HistogramMetric>(registry, name, signature);
  if (existing !== undefined) return existing;
  return register(
    registry,
    new HistogramMetric({ name, help, labelNames: [...labelNames], buckets: [...buckets] }),
    signature,
  );
}

export function counter(registry: AnyRegistry, definition: Definition): Counter<string> {
  const { name, help, labelNames } = definition;
  const signature = `counter|${labelNames.join(',')}`;
  const existing = reusable<Counter<string>>(registry, name, signature);
  if (existing !== undefined) return existing;
  return register(
    registry,
    new Counter({ name, help, labelNames: [...labelNames], registers: [] }),
    signature,
  );
}

export function gauge(
  registry: AnyRegistry,
  definition: Definition & { readonly collect?: (this: Gauge<string>) => void; readonly kind?: string },
): Gauge<string> {
  const { name, help, labelNames, collect, kind = 'plain' } = definition;
  const signature = `gauge|${kind}|${labelNames.join(',')}`;
  const existing = reusable<Gauge<string>>(registry, name, signature);
  if (existing !== undefined) return existing;
  const created = new Gauge({
    name,
    help,
    labelNames: [...labelNames],
    registers: [],
    ...(collect === undefined ? {} : { collect }),
  });
  return register(registry, created, signature);
}
