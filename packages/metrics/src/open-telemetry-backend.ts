/**
 * The OpenTelemetry backend: mcpscope's families as instruments of one Meter, named and advised as the
 * MCP semantic conventions ask, with the same bounded values as the prom-client backend (both take
 * them from the recorder).
 */
import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
} from '@opentelemetry/semantic-conventions';
import type { Backend, CounterFamily, GaugeFamily, HistogramFamily } from './backend.js';
import {
  DIMENSIONS,
  type Dimension,
  FAMILY_DIMENSIONS,
  PER_REQUEST_FAMILIES,
  type SeriesValues,
} from './dimensions.js';
import { DEFAULT_DURATION_BUCKETS, DEFAULT_SIZE_BUCKETS, FAMILIES, type FamilyName } from './names.js';

/** The attribute names: core's vocabulary, the stable ones as @opentelemetry/semantic-conventions exports them. */
export const ATTRIBUTE_NAMES: Readonly<Record<Dimension, string>> = {
  ...DIMENSIONS,
  errorType: ATTR_ERROR_TYPE,
  networkTransport: ATTR_NETWORK_TRANSPORT,
  networkProtocolName: ATTR_NETWORK_PROTOCOL_NAME,
};

const HISTOGRAM_BUCKETS: Readonly<Record<HistogramFamily, readonly number[]>> = {
  operationDuration: DEFAULT_DURATION_BUCKETS,
  clientOperationDuration: DEFAULT_DURATION_BUCKETS,
  sessionDuration: DEFAULT_DURATION_BUCKETS,
  requestSize: DEFAULT_SIZE_BUCKETS,
  responseSize: DEFAULT_SIZE_BUCKETS,
};

/** A series' attributes: every value that is set (an empty value leaves its attribute out). */
function attributesOf(family: FamilyName, values: SeriesValues, customNames: readonly string[]): Attributes {
  const attributes: Attributes = {};
  for (const dimension of FAMILY_DIMENSIONS[family] as readonly Dimension[]) {
    const value = values.own[dimension];
    if (value !== undefined && value !== '') attributes[ATTRIBUTE_NAMES[dimension]] = value;
  }
  if (PER_REQUEST_FAMILIES.has(family)) {
    for (let index = 0; index < customNames.length; index++) {
      const value = values.custom[index];
      if (value !== undefined && value !== '') attributes[customNames[index]!] = value;
    }
  }
  return attributes;
}

function options(family: FamilyName) {
  const { description, unit } = FAMILIES[family];
  return unit === '' ? { description } : { description, unit };
}

export function openTelemetryBackend(meter: Meter, customNames: readonly string[]): Backend {
  const histograms = new Map<HistogramFamily, Histogram>();
  for (const family of Object.keys(HISTOGRAM_BUCKETS) as HistogramFamily[]) {
    histograms.set(
      family,
      meter.createHistogram(FAMILIES[family].instrument, {
        ...options(family),
        advice: { explicitBucketBoundaries: [...HISTOGRAM_BUCKETS[family]] },
      }),
    );
  }
  const counters = new Map<CounterFamily, Counter>(
    (['notifications', 'refusedRequests', 'transportErrors'] as const).map((family) => [
      family,
      meter.createCounter(FAMILIES[family].instrument, options(family)),
    ]),
  );
  const gauges = new Map<GaugeFamily, UpDownCounter>(
    (['activeSessions', 'activeRequests'] as const).map((family) => [
      family,
      meter.createUpDownCounter(FAMILIES[family].instrument, options(family)),
    ]),
  );
  return {
    histogram(family, values) {
      const histogram = histograms.get(family)!;
      const attributes = attributesOf(family, values, customNames);
      return { observe: (value) => histogram.record(value, attributes) };
    },
    counter(family, values) {
      const counter = counters.get(family)!;
      const attributes = attributesOf(family, values, customNames);
      return { add: (delta) => counter.add(delta, attributes) };
    },
    gauge(family, values) {
      const gauge = gauges.get(family)!;
      const attributes = attributesOf(family, values, customNames);
      return { add: (delta) => gauge.add(delta, attributes) };
    },
  };
}
