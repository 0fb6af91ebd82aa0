/** A plugin that records every hook call, for asserting exact lifecycle behaviour. */
import type {
  McpscopePlugin,
  NotificationFacts,
  RequestFacts,
  ServerFacts,
  ServerRequestFacts,
  SessionFacts,
} from '../src/index.js';

export interface RecordingPlugin extends McpscopePlugin {
  readonly servers: ServerFacts[];
  readonly started: RequestFacts[];
  readonly ended: RequestFacts[];
  readonly sessionsStarted: SessionFacts[];
  readonly sessionsEnded: SessionFacts[];
  readonly connectionsOpened: SessionFacts[];
  readonly connectionsClosed: SessionFacts[];
  readonly notifications: NotificationFacts[];
  readonly serverRequestsStarted: ServerRequestFacts[];
  readonly serverRequestsEnded: ServerRequestFacts[];
  readonly transportErrors: Error[];
  /** Started minus ended, counted by this plugin. */
  readonly inFlight: number;
  /** Ended requests for one method (and target). */
  endedFor(method: string, target?: string): RequestFacts[];
  reset(): void;
}

export function recordingPlugin(name = 'recording'): RecordingPlugin {
  const lists = {
    servers: [] as ServerFacts[],
    started: [] as RequestFacts[],
    ended: [] as RequestFacts[],
    sessionsStarted: [] as SessionFacts[],
    sessionsEnded: [] as SessionFacts[],
    connectionsOpened: [] as SessionFacts[],
    connectionsClosed: [] as SessionFacts[],
    notifications: [] as NotificationFacts[],
    serverRequestsStarted: [] as ServerRequestFacts[],
    serverRequestsEnded: [] as ServerRequestFacts[],
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
    onServerRequestStart: (request) => void lists.serverRequestsStarted.push(request),
    onServerRequestEnd: (request) => void lists.serverRequestsEnded.push(request),
    onTransportError: (error) => void lists.transportErrors.push(error),
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
    onServerClose: fail,
    onConnectionOpen: fail,
    onConnectionClose: fail,
    onSessionStart: fail,
    onSessionEnd: fail,
    onRequestStart: fail,
    aroundRequest: fail,
    onRequestEnd: fail,
    onNotification: fail,
    onServerRequestStart: fail,
    onServerRequestEnd: fail,
    onTransportError: fail,
    close: fail,
  };
}
