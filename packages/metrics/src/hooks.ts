/** The plugin hooks that record into mcpscope's families: the per-request hot path lives here. */
import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';
import { BoundedValues } from './bounded-values.js';
import type { ExemplarSource } from './exemplars.js';
import { FAMILY_LABELS, type Families } from './families.js';
import { type InFlightCounter, InFlightRequests } from './in-flight.js';
import type { LabelPolicy, Labels } from './label-policy.js';
import { methodLabel, OTHER } from './names.js';
import { type HistogramSeries, KeyedSeries, OperationSeries, requestLabels, targetLabel } from './series.js';

export type RecordingHooks = Required<
  Pick<
    McpscopePlugin,
    | 'onSessionStart'
    | 'onSessionEnd'
    | 'onRequestStart'
    | 'onRequestEnd'
    | 'onNotification'
    | 'onOutboundRequestEnd'
  >
>;

export interface RecordingSettings {
  readonly families: Families;
  readonly policy: LabelPolicy;
  readonly exemplarSource: ExemplarSource | undefined;
}

const MAX_PROTOCOL_VERSIONS = 32;
const MAX_CLIENT_ERROR_TYPES = 64;

function jsonBytes(value: unknown): number | undefined {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : Buffer.byteLength(json);
  } catch {
    return undefined;
  }
}

/** Children of a metric keyed by the values of the given labels (in that order). */
function childrenOf<Child>(
  metric: { labels(labels: Labels): Child },
  names: readonly string[],
  policy: LabelPolicy,
): KeyedSeries<Child> {
  return new KeyedSeries((values) => {
    const own: Labels = {};
    for (let index = 0; index < names.length; index++) own[names[index]!] = values[index]!;
    return metric.labels(policy.labels(own));
  });
}

export function recordingHooks({ families, policy, exemplarSource }: RecordingSettings): RecordingHooks {
  const { operationDuration, activeSessions, requestSize, responseSize } = families;
  const operations = new OperationSeries(operationDuration, policy);
  const inFlight = new InFlightRequests(families.activeRequests, policy);
  const protocolVersions = new BoundedValues(MAX_PROTOCOL_VERSIONS);
  const clientErrorTypes = new BoundedValues(MAX_CLIENT_ERROR_TYPES);
  const sessions = childrenOf(families.sessionDuration, FAMILY_LABELS.sessionDuration, policy);
  const notifications = childrenOf(families.notifications, FAMILY_LABELS.notifications, policy);
  const refusals = childrenOf(families.refusedRequests, FAMILY_LABELS.refusedRequests, policy);
  const clientOperations = childrenOf(
    families.clientOperationDuration,
    FAMILY_LABELS.clientOperationDuration,
    policy,
  );
  const sizesOf = (metric: typeof requestSize) =>
    metric === undefined
      ? undefined
      : new KeyedSeries((values) => metric.labels(policy.labels(requestLabels(values[0]!, values[1]!))));
  const requestSizes = sizesOf(requestSize);
  const responseSizes = sizesOf(responseSize);
  const sessionLabels = policy.labels({});
  activeSessions.inc(sessionLabels, 0);

  // Per-instance slots: two instances attached to one server each count their own requests once.
  const IN_FLIGHT = Symbol('mcpscope metrics in flight');
  const SESSION_OPEN = Symbol('mcpscope metrics session open');

  const versionLabel = (version: string | undefined): string =>
    protocolVersions.values[protocolVersions.indexOf(version)]!;

  const observeDuration = (request: RequestFacts, series: HistogramSeries, seconds: number): void => {
    let exemplar: Readonly<Labels> | undefined;
    try {
      exemplar = exemplarSource?.(request);
    } catch {
      exemplar = undefined;
    }
    if (exemplar === undefined) {
      series.child.observe(seconds);
      return;
    }
    try {
      operationDuration.observe({ labels: series.labels, value: seconds, exemplarLabels: exemplar });
    } catch {
      // prom-client counts the observation before it validates the exemplar (128 characters at most).
    }
  };

  const recordSizes = (request: RequestFacts): void => {
    const method = methodLabel(request.method);
    const target = targetLabel(request);
    const requestBytes = jsonBytes(request.params ?? {});
    if (requestBytes !== undefined) requestSizes?.get([method, target]).observe(requestBytes);
    const { outcome } = request;
    const response =
      outcome === 'ok' || outcome === 'tool_error'
        ? request.result
        : outcome === 'error'
          ? { code: request.errorCode, message: request.errorMessage }
          : undefined;
    const responseBytes = response === undefined ? undefined : jsonBytes(response);
    if (responseBytes !== undefined) responseSizes?.get([method, target]).observe(responseBytes);
  };

  return {
    onSessionStart(session) {
      if (session[SESSION_OPEN] === true) return;
      session[SESSION_OPEN] = true;
      activeSessions.inc(sessionLabels);
    },

    onSessionEnd(session) {
      if (session[SESSION_OPEN] !== true) return;
      session[SESSION_OPEN] = false;
      activeSessions.dec(sessionLabels);
      sessions.get([versionLabel(session.protocolVersion)]).observe((session.durationMs ?? 0) / 1000);
    },

    onRequestStart(request) {
      const counter = inFlight.counterFor(methodLabel(request.method));
      counter.count++;
      request[IN_FLIGHT] = counter;
    },

    onRequestEnd(request) {
      const counter = request[IN_FLIGHT] as InFlightCounter | undefined;
      if (counter !== undefined) {
        counter.count--;
        request[IN_FLIGHT] = undefined;
      }
      observeDuration(request, operations.seriesFor(request), (request.durationMs ?? 0) / 1000);
      const { refusal } = request;
      if (refusal !== undefined) {
        const method = methodLabel(request.method);
        const tool = method === 'tools/call' ? targetLabel(request) : '';
        refusals.get([refusal.plugin, refusal.reason, refusal.scope ?? '', method, tool]).inc();
      }
      if (requestSizes !== undefined) recordSizes(request);
    },

    onNotification(notification) {
      notifications.get([methodLabel(notification.method), notification.direction]).inc();
    },

    onOutboundRequestEnd(request) {
      const { outcome, session } = request;
      const errorType =
        outcome === 'error'
          ? clientErrorTypes.values[clientErrorTypes.indexOf(String(request.errorCode ?? OTHER))]!
          : '';
      clientOperations
        .get([
          methodLabel(request.method),
          errorType,
          outcome ?? '',
          session.networkTransport ?? '',
          versionLabel(session.protocolVersion),
        ])
        .observe((request.durationMs ?? 0) / 1000);
    },
  };
}
