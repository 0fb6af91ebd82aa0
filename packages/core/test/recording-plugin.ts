/** A plugin that records every hook call, for asserting exact lifecycle behaviour. */
import type {
  EndpointFacts,
  McpscopePlugin,
  NotificationFacts,
  RequestFacts,
  SessionFacts,
} from '../src/index.js';

export interface RecordingPlugin extends McpscopePlugin {
  readonly servers: EndpointFacts[];
  readonly started: RequestFacts[];
  readonly ended: RequestFacts[];
  readonly sessionsStarted: SessionFacts[];
  readonly sessionsEnded: SessionFacts[];
  readonly connectionsOpened: SessionFacts[];
  readonly connectionsClosed: SessionFacts[];
  readonly notifications: NotificationFacts[];
  readonly outboundStarted: RequestFacts[];
  readonly outboundEnded: RequestFacts[];
  readonly transportErrors: Error[];
  /** Started minus ended, counted by this plugin. */
  readonly inFlight: number;
  /** Ended requests for one method (and target). */
  endedFor(method: string, target?: string): RequestFacts[];
  reset(): void;
}

export function recordingPlugin(name = 'recording'): RecordingPlugin {
  const lists = {
    servers: [] as EndpointFacts[],
    started: [] as RequestFacts[],
    ended: [] as RequestFacts[],
    sessionsStarted: [] as SessionFacts[],
    sessionsEnded: [] as SessionFacts[],
    connectionsOpened: [] as SessionFacts[],
    connectionsClosed: [] as SessionFacts[],
    notifications: [] as NotificationFacts[],
    outboundStarted: [] as RequestFacts[],
    outboundEnded: [] as RequestFacts[],
    transportErrors: [] as Error[],
  };
  return {
    name,
    ...lists,
    get inFlight() {
      return lists.started.length - lists.ended.length;
    },
    endedFor(method, target) {
      return lists.ended.filter(
        (request) => request.method === method && (target === undefined || request.target === target),
      );
    },
    reset() {
      for (const list of Object.values(lists)) list.length = 0;
    },
    setup: (server) => void lists.servers.push(server),
    onConnectionOpen: (session) => void lists.connectionsOpened.push(session),
    onConnectionClose: (session) => void lists.connectionsClosed.push(session),
    onSessionStart: (session) => void lists.sessionsStarted.push(session),
    onSessionEnd: (session) => void lists.sessionsEnded.push(session),
    onRequestStart: (request) => void lists.started.push(request),
    onRequestEnd: (request) => void lists.ended.push(request),
    onNotification: (notification) => void lists.notifications.push(notification),
    onOutboundRequestStart: (request) => void lists.outboundStarted.push(request),
    onOutboundRequestEnd: (request) => void lists.outboundEnded.push(request),
    onTransportError: (facts) => void lists.transportErrors.push(facts.error),
  };
}

/** A plugin whose every hook throws: used to prove plugin isolation. */
export function throwingPlugin(): McpscopePlugin & { readonly calls: number } {
  let calls = 0;
  const fail = (): never => {
    calls++;
    throw new Error('plugin failure on purpose');
  };
  return {
    name: 'throwing',
    get calls() {
      return calls;
    },
    setup: fail,
    onEndpointClose: fail,
    onConnectionOpen: fail,
    onConnectionClose: fail,
    onSessionStart: fail,
    onSessionEnd: fail,
    onRequestStart: fail,
    aroundRequest: fail,
    onRequestEnd: fail,
    onNotification: fail,
    onOutboundRequestStart: fail,
    onOutboundRequestEnd: fail,
    onTransportError: fail,
    close: fail,
  };
}
