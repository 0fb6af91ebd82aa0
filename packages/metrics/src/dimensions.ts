/**
 * What each family records, for both backends: the attribute names (OpenTelemetry) whose Prometheus
 * form (`metricLabelOf`) names the labels, per family, in exposition order. Both backends take their
 * names and values from here, so a prom-client scrape and an OpenTelemetry Prometheus exporter's agree.
 */
import { ATTRIBUTES, metricLabelOf } from '@mcpscope/core';
import type { FamilyName } from './names.js';

/**
 * The direction of a notification. Not (yet) one of core's `ATTRIBUTES`: the only name this package
 * keeps of its own.
 */
export const NOTIFICATION_DIRECTION = 'mcp.notification.direction';

export const DIMENSIONS = {
  method: ATTRIBUTES.methodName,
  tool: ATTRIBUTES.toolName,
  prompt: ATTRIBUTES.promptName,
  operationName: ATTRIBUTES.operationName,
  errorType: ATTRIBUTES.errorType,
  rpcResponseStatusCode: ATTRIBUTES.rpcResponseStatusCode,
  errorSide: ATTRIBUTES.errorSide,
  outcome: ATTRIBUTES.outcome,
  toolErrorReason: ATTRIBUTES.toolErrorReason,
  protocolVersion: ATTRIBUTES.protocolVersion,
  networkTransport: ATTRIBUTES.networkTransport,
  networkProtocolName: ATTRIBUTES.networkProtocolName,
  refusalPlugin: ATTRIBUTES.refusalPlugin,
  refusalReason: ATTRIBUTES.refusalReason,
  refusalScope: ATTRIBUTES.refusalScope,
  notificationDirection: NOTIFICATION_DIRECTION,
} as const;

export type Dimension = keyof typeof DIMENSIONS;

/** The dimensions of one request's operation (both histograms), in the order `operationValues` fills. */
export const OPERATION_DIMENSIONS = [
  'method',
  'tool',
  'prompt',
  'operationName',
  'errorType',
  'rpcResponseStatusCode',
  'errorSide',
  'outcome',
  'toolErrorReason',
  'protocolVersion',
  'networkTransport',
  'networkProtocolName',
] as const satisfies readonly Dimension[];

/** Each family's dimensions, before `dropLabels`, custom and static labels. */
export const FAMILY_DIMENSIONS = {
  operationDuration: OPERATION_DIMENSIONS,
  clientOperationDuration: OPERATION_DIMENSIONS.filter((name) => name !== 'toolErrorReason'),
  sessionDuration: ['protocolVersion', 'networkTransport', 'networkProtocolName'],
  activeSessions: [],
  activeRequests: ['method'],
  notifications: ['method', 'notificationDirection'],
  refusedRequests: ['refusalPlugin', 'refusalReason', 'refusalScope', 'method', 'tool'],
  transportErrors: ['errorSide'],
  requestSize: ['method', 'tool', 'prompt'],
  responseSize: ['method', 'tool', 'prompt'],
} as const satisfies Record<FamilyName, readonly Dimension[]>;

/** Families whose series also carry the user's `customLabels` (they are recorded per request). */
export const PER_REQUEST_FAMILIES: ReadonlySet<FamilyName> = new Set([
  'operationDuration',
  'clientOperationDuration',
  'refusedRequests',
  'requestSize',
  'responseSize',
]);

/** One series' values: its own dimensions (missing ones are empty) and the custom labels' values. */
export interface SeriesValues {
  readonly own: Readonly<Partial<Record<Dimension, string>>>;
  /** In the order of the custom label names; empty when the family has none. */
  readonly custom: readonly string[];
}

/** The Prometheus label of a dimension. */
export function labelOf(dimension: Dimension): string {
  return metricLabelOf(DIMENSIONS[dimension]);
}

/** Every label name mcpscope records (custom and static labels may not reuse them). */
export const OWN_LABELS: ReadonlySet<string> = new Set((Object.keys(DIMENSIONS) as Dimension[]).map(labelOf));
