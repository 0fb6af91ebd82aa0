/**
 * Caches of prom-client children by label values, so the hot path never calls `labels()` (which
 * builds and validates a label object each time). Client-supplied values are bounded before they
 * reach a cache, so every cache stays as small as the set of series it feeds.
 */
import type { RequestFacts, ToolErrorReason } from '@mcpscope/core';
import type { Histogram } from 'prom-client';
import { BoundedValues } from './bounded-values.js';
import type { LabelPolicy, Labels } from './label-policy.js';
import { LABEL_NAMES, methodLabel, OTHER } from './names.js';

export interface HistogramSeries {
  readonly labels: Labels;
  readonly child: { observe(value: number): void };
}

/** Tool and prompt labels take only names the server registered; everything else folds into `_OTHER`. */
export function targetLabel(request: RequestFacts): string {
  const { method } = request;
  if (method !== 'tools/call' && method !== 'prompts/get') return '';
  return request.targetRegistered === true ? (request.target as string) : OTHER;
}

/** The label values shared by every per-request metric: method, tool and prompt. */
export function requestLabels(method: string, target: string): Labels {
  return {
    [LABEL_NAMES.method]: method,
    [LABEL_NAMES.tool]: method === 'tools/call' ? target : '',
    [LABEL_NAMES.prompt]: method === 'prompts/get' ? target : '',
  };
}

const OUTCOMES = ['', 'ok', 'tool_error', 'error', 'cancelled', 'closed'] as const;
const REASONS = [
  '',
  'handler_threw',
  'handler_returned_error',
  'invalid_arguments',
  'unknown_tool',
  'invalid_output',
] as const;
const TRANSPORTS = ['', 'pipe', 'tcp'] as const;
const OUTCOME_INDEX = new Map<string | undefined, number>(OUTCOMES.map((value, index) => [value, index]));
const REASON_INDEX = new Map<ToolErrorReason | undefined, number>(
  REASONS.map((value, index) => [value as ToolErrorReason, index]),
);
const TRANSPORT_INDEX = new Map<string | undefined, number>(TRANSPORTS.map((value, index) => [value, index]));

const MAX_PROTOCOL_VERSIONS = 32;
const MAX_ERROR_TYPES = 64;

/**
 * Series of the operation duration histogram, looked up by method, then target, then one integer
 * packing the small label domains (outcome, reason, transport, protocol version, error type).
 */
export class OperationSeries {
  private readonly rows = new Map<string, Map<string, Map<number, HistogramSeries>>>();
  private readonly protocolVersions = new BoundedValues(MAX_PROTOCOL_VERSIONS);
  private readonly errorTypes = new BoundedValues(MAX_ERROR_TYPES);
  private readonly histogram: Histogram<string>;
  private readonly policy: LabelPolicy;

  constructor(histogram: Histogram<string>, policy: LabelPolicy) {
    this.histogram = histogram;
    this.policy = policy;
  }

  seriesFor(request: RequestFacts): HistogramSeries {
    const method = methodLabel(request.method);
    const target = targetLabel(request);
    let byTarget = this.rows.get(method);
    if (byTarget === undefined) {
      byTarget = new Map();
      this.rows.set(method, byTarget);
    }
    let byCode = byTarget.get(target);
    if (byCode === undefined) {
      byCode = new Map();
      byTarget.set(target, byCode);
    }
    const { session } = request;
    const outcome = OUTCOME_INDEX.get(request.outcome) ?? 0;
    const reason = REASON_INDEX.get(request.toolErrorReason) ?? 0;
    const transport = TRANSPORT_INDEX.get(session.networkTransport) ?? 0;
    const version = this.protocolVersions.indexOf(session.protocolVersion);
    const errorType = this.errorTypes.indexOf(request.errorType);
    const code =
      (((outcome * 8 + reason) * 4 + transport) * (MAX_PROTOCOL_VERSIONS + 2) + version) *
        (MAX_ERROR_TYPES + 2) +
      errorType;
    const series = byCode.get(code);
    if (series !== undefined) return series;
    const created = this.create(method, target, {
      [LABEL_NAMES.errorType]: this.errorTypes.values[errorType]!,
      [LABEL_NAMES.toolErrorReason]: REASONS[reason]!,
      [LABEL_NAMES.outcome]: OUTCOMES[outcome]!,
      [LABEL_NAMES.networkTransport]: TRANSPORTS[transport]!,
      [LABEL_NAMES.protocolVersion]: this.protocolVersions.values[version]!,
    });
    byCode.set(code, created);
    return created;
  }

  private create(method: string, target: string, rest: Labels): HistogramSeries {
    const labels = this.policy.labels({ ...requestLabels(method, target), ...rest });
    return { labels, child: this.histogram.labels(labels) };
  }
}

/** A cache for metrics recorded less often (sessions, notifications, refusals): keyed by joined values. */
export class KeyedSeries<Child> {
  private readonly children = new Map<string, Child>();
  private readonly create: (values: readonly string[]) => Child;

  constructor(create: (values: readonly string[]) => Child) {
    this.create = create;
  }

  get(values: readonly string[]): Child {
    const key = values.join('\u0001');
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.create(values);
      this.children.set(key, child);
    }
    return child;
  }
}
