import type {
  NotificationFacts,
  RequestFacts,
  RouteHandler,
  ServerRequestFacts,
  SessionFacts,
} from '@mcpscope/core';
import { type Counter, collectDefaultMetrics, type Histogram, register } from 'prom-client';
import { BoundedValues } from './bounded-values.js';
import { isClusterWorker, shareWithPrimary } from './cluster.js';
import { activeSpanExemplars, type ExemplarSource } from './exemplars.js';
import { metricsRoute, renderRegistry } from './exposition.js';
import { collectInFlight, type InFlightCounter, InFlightRequests } from './in-flight.js';
import { type AnyRegistry, counter, gauge, histogram } from './instruments.js';
import { LabelPolicy, type Labels } from './label-policy.js';
import {
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_SIZE_BUCKETS,
  DROPPABLE_LABELS,
  LABEL_NAMES,
  METRIC_NAMES,
  methodLabel,
  OTHER,
} from './names.js';
import { type HistogramSeries, KeyedSeries, OperationSeries, requestLabels, targetLabel } from './series.js';
import type { MetricsOptions, MetricsPlugin } from './types.js';

const {
  method: METHOD,
  tool: TOOL,
  prompt: PROMPT,
  errorType: ERROR_TYPE,
  toolErrorReason: TOOL_ERROR_REASON,
  outcome: OUTCOME,
  networkTransport: NETWORK_TRANSPORT,
  protocolVersion: PROTOCOL_VERSION,
} = LABEL_NAMES;

function checkBuckets(option: string, buckets: readonly number[]): void {
  const ascending = buckets.every(
    (bound, index) => Number.isFinite(bound) && (index === 0 || bound > buckets[index - 1]!),
  );
  if (buckets.length === 0 || !ascending) {
    throw new TypeError(`metrics(): \`${option}\` must be finite numbers in ascending order.`);
  }
}

function checkDropLabels(dropLabels: readonly string[]): ReadonlySet<string> {
  for (const name of dropLabels) {
    if (!DROPPABLE_LABELS.includes(name)) {
      throw new TypeError(
        `metrics(): cannot drop "${name}"; droppable labels: ${DROPPABLE_LABELS.join(', ')}.`,
      );
    }
  }
  return new Set(dropLabels);
}

function jsonBytes(value: unknown): number | undefined {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : Buffer.byteLength(json);
  } catch {
    return undefined;
  }
}

/**
 * Prometheus metrics for every MCP request, on prom-client: `server.use(metrics())`. One instance may
 * serve many servers; instances sharing a registry share their series.
 */
export function metrics(options: MetricsOptions = {}): MetricsPlugin {
  const {
    registry = register as AnyRegistry,
    prefix = '',
    buckets = DEFAULT_DURATION_BUCKETS,
    sessionBuckets = DEFAULT_DURATION_BUCKETS,
    staticLabels = {},
    dropLabels = [],
    defaultMetrics = false,
    exemplars = true,
    getExemplarLabels,
    payloadSizes = false,
    path = '/metrics',
    bearerToken,
    cluster = false,
  } = options;

  checkBuckets('buckets', buckets);
  checkBuckets('sessionBuckets', sessionBuckets);
  const policy = new LabelPolicy(
    staticLabels,
    checkDropLabels(dropLabels),
    new Set(Object.values(LABEL_NAMES)),
  );
  const exemplarSource: ExemplarSource | undefined = exemplars
    ? (getExemplarLabels ?? activeSpanExemplars())
    : undefined;
  const named = (name: string): string => `${prefix}${name}`;

  const operationDuration = histogram(registry, {
    name: named(METRIC_NAMES.operationDuration),
    help: 'Duration of MCP requests handled by the server, from receipt until the response was sent.',
    labelNames: policy.names([
      METHOD,
      TOOL,
      PROMPT,
      ERROR_TYPE,
      TOOL_ERROR_REASON,
      OUTCOME,
      NETWORK_TRANSPORT,
      PROTOCOL_VERSION,
    ]),
    buckets,
    exemplars: exemplarSource !== undefined,
  });
  const activeRequests = gauge(registry, {
    name: named(METRIC_NAMES.activeRequests),
    help: 'MCP requests the server is handling right now.',
    labelNames: policy.names([METHOD]),
    collect: collectInFlight,
    kind: 'in-flight',
  });
  const sessionDuration = histogram(registry, {
    name: named(METRIC_NAMES.sessionDuration),
    help: 'Duration of MCP sessions, from connection until it closed.',
    labelNames: policy.names([PROTOCOL_VERSION]),
    buckets: sessionBuckets,
    exemplars: false,
  });
  const activeSessions = gauge(registry, {
    name: named(METRIC_NAMES.activeSessions),
    help: 'MCP sessions open right now (initialized connections).',
    labelNames: policy.names([]),
  });
  const notifications = counter(registry, {
    name: named(METRIC_NAMES.notifications),
    help: 'MCP notifications by method and direction (inbound: from the client; outbound: to the client).',
    labelNames: policy.names([METHOD, LABEL_NAMES.direction]),
  });
  const refusedRequests = counter(registry, {
    name: named(METRIC_NAMES.refusedRequests),
    help: 'MCP requests a plugin answered itself instead of dispatching them (health drain, rate limits).',
    labelNames: policy.names([LABEL_NAMES.plugin, LABEL_NAMES.reason, LABEL_NAMES.scope, METHOD, TOOL]),
  });
  const clientOperationDuration = histogram(registry, {
    name: named(METRIC_NAMES.clientOperationDuration),
    help: 'Duration of requests the server sent to the client (sampling, elicitation, roots, ping), until answered.',
    labelNames: policy.names([METHOD, ERROR_TYPE, OUTCOME, NETWORK_TRANSPORT, PROTOCOL_VERSION]),
    buckets,
    exemplars: false,
  });
  const sizeHistogram = (name: string, help: string): Histogram<string> =>
    histogram(registry, {
      name: named(name),
      help,
      labelNames: policy.names([METHOD, TOOL, PROMPT]),
      buckets: DEFAULT_SIZE_BUCKETS,
      exemplars: false,
    });
  const requestSize = payloadSizes
    ? sizeHistogram(METRIC_NAMES.requestSize, 'Size of MCP request params, serialized as JSON, in bytes.')
    : undefined;
  const responseSize = payloadSizes
    ? sizeHistogram(
        METRIC_NAMES.responseSize,
        'Size of MCP results and errors, serialized as JSON, in bytes.',
      )
    : undefined;

  if (defaultMetrics !== false) {
    const {
      prefix: defaultPrefix = prefix,
      labels = {},
      ...config
    } = defaultMetrics === true ? {} : defaultMetrics;
    // collectDefaultMetrics registers fixed names: a second call on the same registry would throw.
    if (registry.getSingleMetric(`${defaultPrefix}process_cpu_user_seconds_total`) === undefined) {
      collectDefaultMetrics({
        ...config,
        prefix: defaultPrefix,
        labels: { ...labels, ...policy.staticLabels },
        register: registry as typeof register,
      });
    }
  }
  const clusterWorker = cluster && isClusterWorker();
  if (clusterWorker) shareWithPrimary(registry);

  const sessionLabels = policy.labels({});
  activeSessions.inc(sessionLabels, 0);

  const operations = new OperationSeries(operationDuration, policy);
  const inFlight = new InFlightRequests(activeRequests, policy);
  const protocolVersions = new BoundedValues(32);
  const clientErrorTypes = new BoundedValues(64);
  const childOf = <Child>(metric: { labels(labels: Labels): Child }, names: readonly string[]) =>
    new KeyedSeries((values) => {
      const own: Labels = {};
      names.forEach((name, index) => {
        own[name] = values[index]!;
      });
      return metric.labels(policy.labels(own));
    });
  const sessionSeries = childOf(sessionDuration, [PROTOCOL_VERSION]);
  const notificationSeries = childOf(notifications as Counter<string>, [METHOD, LABEL_NAMES.direction]);
  const refusalSeries = childOf(refusedRequests as Counter<string>, [
    LABEL_NAMES.plugin,
    LABEL_NAMES.reason,
    LABEL_NAMES.scope,
    METHOD,
    TOOL,
  ]);
  const clientSeries = childOf(clientOperationDuration, [
    METHOD,
    ERROR_TYPE,
    OUTCOME,
    NETWORK_TRANSPORT,
    PROTOCOL_VERSION,
  ]);
  const sizeSeries = (metric: Histogram<string>) =>
    new KeyedSeries((values) => metric.labels(policy.labels(requestLabels(values[0]!, values[1]!))));
  const requestSizeSeries = requestSize === undefined ? undefined : sizeSeries(requestSize);
  const responseSizeSeries = responseSize === undefined ? undefined : sizeSeries(responseSize);

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

  const recordSizes = (request: RequestFacts, method: string, target: string): void => {
    const requestBytes = jsonBytes(request.params ?? {});
    if (requestBytes !== undefined) requestSizeSeries?.get([method, target]).observe(requestBytes);
    const { outcome } = request;
    const response =
      outcome === 'ok' || outcome === 'tool_error'
        ? request.result
        : outcome === 'error'
          ? { code: request.errorCode, message: request.errorMessage }
          : undefined;
    const responseBytes = response === undefined ? undefined : jsonBytes(response);
    if (responseBytes !== undefined) responseSizeSeries?.get([method, target]).observe(responseBytes);
  };

  const routes: Record<string, RouteHandler> = {};
  if (!clusterWorker) {
    const render = async (format: 'prometheus' | 'openmetrics') => ({
      body: await renderRegistry(registry, format),
      format,
    });
    routes[path] = metricsRoute({ render, bearerToken });
  }

  return {
    name: 'metrics',
    registry: registry as MetricsPlugin['registry'],
    routes,

    onSessionStart(session: SessionFacts): void {
      if (session[SESSION_OPEN] === true) return;
      session[SESSION_OPEN] = true;
      activeSessions.inc(sessionLabels);
    },

    onSessionEnd(session: SessionFacts): void {
      if (session[SESSION_OPEN] !== true) return;
      session[SESSION_OPEN] = false;
      activeSessions.dec(sessionLabels);
      const seconds = (session.durationMs ?? 0) / 1000;
      sessionSeries.get([versionLabel(session.protocolVersion)]).observe(seconds);
    },

    onRequestStart(request: RequestFacts): void {
      const counter = inFlight.counterFor(methodLabel(request.method));
      counter.count++;
      request[IN_FLIGHT] = counter;
    },

    onRequestEnd(request: RequestFacts): void {
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
        refusalSeries.get([refusal.plugin, refusal.reason, refusal.scope ?? '', method, tool]).inc();
      }
      if (payloadSizes) recordSizes(request, methodLabel(request.method), targetLabel(request));
    },

    onNotification(notification: NotificationFacts): void {
      notificationSeries.get([methodLabel(notification.method), notification.direction]).inc();
    },

    onServerRequestEnd(request: ServerRequestFacts): void {
      const { outcome, session } = request;
      const errorType =
        outcome === 'error'
          ? clientErrorTypes.values[clientErrorTypes.indexOf(String(request.errorCode ?? OTHER))]!
          : '';
      clientSeries
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
