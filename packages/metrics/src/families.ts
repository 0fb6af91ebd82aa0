/** mcpscope's metric families: names, help texts and label names, created in (or reused from) a registry. */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { collectInFlight } from './in-flight.js';
import { type AnyRegistry, counter, gauge, histogram } from './instruments.js';
import type { LabelPolicy } from './label-policy.js';
import { DEFAULT_SIZE_BUCKETS, LABEL_NAMES, METRIC_NAMES } from './names.js';

const {
  method: METHOD,
  tool: TOOL,
  prompt: PROMPT,
  errorType: ERROR_TYPE,
  toolErrorReason: TOOL_ERROR_REASON,
  outcome: OUTCOME,
  networkTransport: NETWORK_TRANSPORT,
  protocolVersion: PROTOCOL_VERSION,
  direction: DIRECTION,
  plugin: PLUGIN,
  reason: REASON,
  scope: SCOPE,
} = LABEL_NAMES;

/** The labels of each family before `dropLabels` and `staticLabels` apply, in exposition order. */
export const FAMILY_LABELS = {
  operationDuration: [
    METHOD,
    TOOL,
    PROMPT,
    ERROR_TYPE,
    TOOL_ERROR_REASON,
    OUTCOME,
    NETWORK_TRANSPORT,
    PROTOCOL_VERSION,
  ],
  activeRequests: [METHOD],
  sessionDuration: [PROTOCOL_VERSION],
  activeSessions: [],
  notifications: [METHOD, DIRECTION],
  refusedRequests: [PLUGIN, REASON, SCOPE, METHOD, TOOL],
  clientOperationDuration: [METHOD, ERROR_TYPE, OUTCOME, NETWORK_TRANSPORT, PROTOCOL_VERSION],
  payloadSize: [METHOD, TOOL, PROMPT],
} as const satisfies Record<string, readonly string[]>;

export interface Families {
  readonly operationDuration: Histogram<string>;
  readonly activeRequests: Gauge<string>;
  readonly sessionDuration: Histogram<string>;
  readonly activeSessions: Gauge<string>;
  readonly notifications: Counter<string>;
  readonly refusedRequests: Counter<string>;
  readonly clientOperationDuration: Histogram<string>;
  readonly requestSize: Histogram<string> | undefined;
  readonly responseSize: Histogram<string> | undefined;
}

export interface FamilySettings {
  readonly prefix: string;
  readonly policy: LabelPolicy;
  readonly buckets: readonly number[];
  readonly sessionBuckets: readonly number[];
  readonly exemplars: boolean;
  readonly payloadSizes: boolean;
}

export function createFamilies(registry: AnyRegistry, settings: FamilySettings): Families {
  const { prefix, policy, buckets, sessionBuckets, exemplars, payloadSizes } = settings;
  const define = (name: string, help: string, labels: readonly string[]) => ({
    name: `${prefix}${name}`,
    help,
    labelNames: policy.names(labels),
  });
  const payloadSize = (name: string, help: string): Histogram<string> | undefined =>
    payloadSizes
      ? histogram(registry, {
          ...define(name, help, FAMILY_LABELS.payloadSize),
          buckets: DEFAULT_SIZE_BUCKETS,
          exemplars: false,
        })
      : undefined;

  return {
    operationDuration: histogram(registry, {
      ...define(
        METRIC_NAMES.operationDuration,
        'Duration of MCP requests handled by the server, from receipt until the response was sent.',
        FAMILY_LABELS.operationDuration,
      ),
      buckets,
      exemplars,
    }),
    activeRequests: gauge(registry, {
      ...define(
        METRIC_NAMES.activeRequests,
        'MCP requests the server is handling right now.',
        FAMILY_LABELS.activeRequests,
      ),
      collect: collectInFlight,
      kind: 'in-flight',
    }),
    sessionDuration: histogram(registry, {
      ...define(
        METRIC_NAMES.sessionDuration,
        'Duration of MCP sessions, from connection until it closed.',
        FAMILY_LABELS.sessionDuration,
      ),
      buckets: sessionBuckets,
      exemplars: false,
    }),
    activeSessions: gauge(
      registry,
      define(
        METRIC_NAMES.activeSessions,
        'MCP sessions open right now (initialized connections).',
        FAMILY_LABELS.activeSessions,
      ),
    ),
    notifications: counter(
      registry,
      define(
        METRIC_NAMES.notifications,
        'MCP notifications by method and direction (inbound: from the client; outbound: to the client).',
        FAMILY_LABELS.notifications,
      ),
    ),
    refusedRequests: counter(
      registry,
      define(
        METRIC_NAMES.refusedRequests,
        'MCP requests a plugin answered itself instead of dispatching them (health drain, rate limits).',
        FAMILY_LABELS.refusedRequests,
      ),
    ),
    clientOperationDuration: histogram(registry, {
      ...define(
        METRIC_NAMES.clientOperationDuration,
        'Duration of requests the server sent to the client (sampling, elicitation, roots, ping), until answered.',
        FAMILY_LABELS.clientOperationDuration,
      ),
      buckets,
      exemplars: false,
    }),
    requestSize: payloadSize(
      METRIC_NAMES.requestSize,
      'Size of MCP request params, serialized as JSON, in bytes.',
    ),
    responseSize: payloadSize(
      METRIC_NAMES.responseSize,
      'Size of MCP results and errors, serialized as JSON, in bytes.',
    ),
  };
}
