/**
 * The plugin hooks both backends share: what is recorded when, with which bounded values. The
 * per-request path (`onRequestStart`, `onRequestEnd`) finds cached series and records into them.
 */
import {
  boundedMethod,
  type McpscopePlugin,
  type NotificationFacts,
  type RequestFacts,
  type SessionFacts,
  type TransportErrorFacts,
} from '@mcpscope/core';
import type { Backend, CountedSeries, ObservedSeries } from './backend.js';
import { type CustomLabelSet, type HookFailure, isIgnored } from './custom-labels.js';
import type { SeriesValues } from './dimensions.js';
import { ListedNames } from './listed-names.js';
import { OperationSeries, registeredTarget, Vocabulary } from './operation-series.js';

export type RecordingHooks = Required<
  Pick<
    McpscopePlugin,
    | 'onSessionStart'
    | 'onSessionEnd'
    | 'onRequestStart'
    | 'onRequestEnd'
    | 'onNotification'
    | 'onOutboundRequestEnd'
    | 'onTransportError'
  >
>;

export interface RecorderSettings {
  readonly backend: Backend;
  readonly custom: CustomLabelSet | undefined;
  readonly ignore: ((request: RequestFacts) => boolean) | undefined;
  readonly failed: HookFailure;
  readonly payloadSizes: boolean;
}

// Stryker disable next-line ArrayDeclaration: backends read custom values only of per-request families, and only with customLabels set (then customValues() never returns this)
const NO_CUSTOM: readonly string[] = [];

/** Series cached by a string key: `get(key) ?? create(key, values)` builds the values only once. */
class KeyedSeries<Series> {
  private readonly children = new Map<string, Series>();

  constructor(private readonly make: (values: SeriesValues) => Series) {}

  // Stryker disable next-line BlockStatement: a miss only costs a create(); both backends hand back the series they already hold for equal values
  get(key: string): Series | undefined {
    return this.children.get(key);
  }

  create(key: string, values: SeriesValues): Series {
    const child = this.make(values);
    this.children.set(key, child);
    return child;
  }
}

/** The size of a payload as JSON; undefined for no payload, or one JSON cannot hold (a BigInt, a cycle). */
function jsonBytes(value: unknown): number | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // Not JSON: no size.
  }
  return json === undefined ? undefined : Buffer.byteLength(json);
}

export function recordingHooks(settings: RecorderSettings): RecordingHooks {
  const { backend, custom, ignore, failed, payloadSizes } = settings;
  const vocabulary = new Vocabulary();
  const listed = new ListedNames();
  const operations = new OperationSeries(vocabulary, custom, registeredTarget, (values) =>
    backend.histogram('operationDuration', values),
  );
  const clientOperations = new OperationSeries(vocabulary, custom, listed.targetOf, (values) =>
    backend.histogram('clientOperationDuration', values),
  );
  const inFlight = new KeyedSeries((values) => backend.gauge('activeRequests', values));
  const sessions = new KeyedSeries((values) => backend.histogram('sessionDuration', values));
  const notifications = new KeyedSeries((values) => backend.counter('notifications', values));
  const refusals = new KeyedSeries((values) => backend.counter('refusedRequests', values));
  const requestSizes = new KeyedSeries((values) => backend.histogram('requestSize', values));
  const responseSizes = new KeyedSeries((values) => backend.histogram('responseSize', values));
  // Stryker disable next-line ObjectLiteral: the family has no dimensions and no custom labels, so neither backend reads these values
  const openSessions = backend.gauge('activeSessions', { own: {}, custom: NO_CUSTOM });
  openSessions.add(0);
  // Both sides read 0 from the start, so alerts on their rate have a series before the first error.
  const transportErrors = new Map<TransportErrorFacts['side'], CountedSeries>();
  for (const side of ['client', 'server'] as const) {
    const series = backend.counter('transportErrors', { own: { errorSide: side }, custom: NO_CUSTOM });
    series.add(0);
    transportErrors.set(side, series);
  }

  // Per-instance slots: two instances attached to one server each count their own requests once.
  const IN_FLIGHT = Symbol('mcpscope metrics in flight');
  // Stryker disable next-line ObjectLiteral: onRequestEnd returns on IGNORED before calling add()
  const IGNORED: CountedSeries = { add() {} };
  const SESSION_OPEN = Symbol('mcpscope metrics session open');

  const customValues = (customCode: number) =>
    custom === undefined ? NO_CUSTOM : custom.valuesOf(customCode);

  const recordRefusal = (request: RequestFacts, customCode: number): void => {
    const { plugin, reason, scope = '' } = request.refusal!;
    const method = boundedMethod(request.method);
    const tool = method === 'tools/call' ? registeredTarget(request) : '';
    const key = `${plugin}\u0000${reason}\u0000${scope}\u0000${method}\u0000${tool}\u0000${customCode}`;
    const series =
      refusals.get(key) ??
      refusals.create(key, {
        own: { refusalPlugin: plugin, refusalReason: reason, refusalScope: scope, method, tool },
        custom: customValues(customCode),
      });
    series.add(1);
  };

  const recordSizes = (request: RequestFacts, customCode: number): void => {
    const method = boundedMethod(request.method);
    const tool = method === 'tools/call' ? registeredTarget(request) : '';
    const prompt = method === 'prompts/get' ? registeredTarget(request) : '';
    const key = `${method}\u0000${tool}\u0000${prompt}\u0000${customCode}`;
    const values = { own: { method, tool, prompt }, custom: customValues(customCode) };
    const requestBytes = jsonBytes(request.params ?? {});
    if (requestBytes !== undefined) {
      (requestSizes.get(key) ?? requestSizes.create(key, values)).observe(requestBytes, request);
    }
    const { outcome } = request;
    const response =
      outcome === 'ok' || outcome === 'tool_error'
        ? request.result
        : outcome === 'error'
          ? { code: request.errorCode, message: request.errorMessage }
          : undefined;
    const responseBytes = jsonBytes(response);
    if (responseBytes !== undefined) {
      (responseSizes.get(key) ?? responseSizes.create(key, values)).observe(responseBytes, request);
    }
  };

  const serverSide = (session: SessionFacts) => session.endpoint.role === 'server';

  return {
    onSessionStart(session) {
      if (!serverSide(session)) return;
      // Core starts a session once each time it opens; the flag tells onSessionEnd this instance counted it.
      session[SESSION_OPEN] = true;
      openSessions.add(1);
    },

    onSessionEnd(session) {
      if (session[SESSION_OPEN] !== true) return;
      session[SESSION_OPEN] = false;
      openSessions.add(-1);
      const version =
        vocabulary.protocolVersions.values[vocabulary.protocolVersions.indexOf(session.protocolVersion)]!;
      const transport = session.networkTransport ?? '';
      const protocolName = session.networkProtocolName ?? '';
      const key = `${version}\u0000${transport}\u0000${protocolName}`;
      const series =
        sessions.get(key) ??
        sessions.create(key, {
          own: { protocolVersion: version, networkTransport: transport, networkProtocolName: protocolName },
          custom: NO_CUSTOM,
        });
      series.observe((session.durationMs ?? 0) / 1000, undefined);
    },

    onRequestStart(request) {
      if (isIgnored(ignore, request, failed)) {
        request[IN_FLIGHT] = IGNORED;
        return;
      }
      const method = boundedMethod(request.method);
      const counter = inFlight.get(method) ?? inFlight.create(method, { own: { method }, custom: NO_CUSTOM });
      counter.add(1);
      request[IN_FLIGHT] = counter;
    },

    onRequestEnd(request) {
      const counter = request[IN_FLIGHT] as CountedSeries | undefined;
      if (counter === IGNORED) return;
      counter?.add(-1);
      const customCode = custom === undefined ? 0 : custom.codeOf(request);
      const series: ObservedSeries = operations.seriesFor(request, customCode);
      series.observe((request.durationMs ?? 0) / 1000, request);
      if (request.refusal !== undefined) recordRefusal(request, customCode);
      if (payloadSizes) recordSizes(request, customCode);
    },

    onNotification(notification: NotificationFacts) {
      if (!serverSide(notification.session)) return;
      const method = boundedMethod(notification.method);
      const { direction } = notification;
      const key = `${method}\u0000${direction}`;
      const series =
        notifications.get(key) ??
        notifications.create(key, { own: { method, notificationDirection: direction }, custom: NO_CUSTOM });
      series.add(1);
    },

    onOutboundRequestEnd(request) {
      listed.learn(request);
      if (isIgnored(ignore, request, failed)) return;
      const customCode = custom === undefined ? 0 : custom.codeOf(request);
      clientOperations.seriesFor(request, customCode).observe((request.durationMs ?? 0) / 1000, request);
    },

    onTransportError({ session, side }: TransportErrorFacts) {
      if (!serverSide(session)) return;
      transportErrors.get(side)!.add(1);
    },
  };
}
