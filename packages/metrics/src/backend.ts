/**
 * What the recorder (the hooks both backends share) needs from a backend: a series per distinct set of
 * values, created once and cached by the recorder, each recorded into directly.
 */
import type { RequestFacts } from '@mcpscope/core';
import type { SeriesValues } from './dimensions.js';

export interface ObservedSeries {
  /** `request` is the request measured (exemplars), undefined for sessions. */
  observe(value: number, request: RequestFacts | undefined): void;
}

export interface CountedSeries {
  add(delta: number): void;
}

export type HistogramFamily =
  | 'operationDuration'
  | 'clientOperationDuration'
  | 'sessionDuration'
  | 'requestSize'
  | 'responseSize';
export type CounterFamily = 'notifications' | 'refusedRequests' | 'transportErrors';
export type GaugeFamily = 'activeSessions' | 'activeRequests';

export interface Backend {
  histogram(family: HistogramFamily, values: SeriesValues): ObservedSeries;
  /** A monotonic counter. */
  counter(family: CounterFamily, values: SeriesValues): CountedSeries;
  /** A value that goes up and down (in-flight requests, open sessions). */
  gauge(family: GaugeFamily, values: SeriesValues): CountedSeries;
}
