/**
 * Exemplars: the ids of the span that recorded the request, as the tracing plugin set them on the
 * request (`request.trace`, sampled spans only), or the labels `getExemplarLabels` chooses.
 */
import type { RequestFacts } from '@mcpscope/core';
import type { HookFailure } from './custom-labels.js';
import type { HistogramSeries } from './histogram-metric.js';
import type { ExemplarPolicy } from './prometheus-backend.js';
import type { ExemplarLabels } from './types.js';

const SAMPLED = 1;
/** OpenMetrics: the names and values of an exemplar's labels hold at most 128 characters in all. */
const MAX_EXEMPLAR_CHARACTERS = 128;

const spanExemplars: ExemplarPolicy = {
  keep(series, bucket, value, request) {
    const { trace } = request;
    if (trace !== undefined && (trace.traceFlags & SAMPLED) === SAMPLED) {
      series.keepExemplar(bucket, trace, undefined, value);
    }
  },
};

function characters(labels: ExemplarLabels): number {
  let count = 0;
  for (const [name, value] of Object.entries(labels)) count += [...name].length + [...String(value)].length;
  return count;
}

export function exemplarPolicy(
  getExemplarLabels: ((request: RequestFacts) => ExemplarLabels | undefined) | undefined,
  failed: HookFailure,
  tooLong: (labels: ExemplarLabels) => void,
): ExemplarPolicy {
  if (getExemplarLabels === undefined) return spanExemplars;
  return {
    keep(series: HistogramSeries, bucket, value, request) {
      let labels: ExemplarLabels | undefined;
      try {
        labels = getExemplarLabels(request);
      } catch (error) {
        failed('getExemplarLabels', error);
        return;
      }
      if (labels === undefined) return;
      if (characters(labels) > MAX_EXEMPLAR_CHARACTERS) {
        tooLong(labels);
        return;
      }
      series.keepExemplar(bucket, undefined, { ...labels }, value);
    },
  };
}
