export { type FetchRouteHandler, fetchHandler } from './fetch-handler.js';
export { type NodeRouteHandler, nodeHandler } from './node-handler.js';
export { flushPlugins, observe, serverFacts, sideListenerAddress } from './observe.js';
export { currentRequest } from './request-context.js';
export type { RouteSource } from './route-table.js';
export type { ListenAddress } from './side-listener.js';
export type {
  JsonRpcErrorObject,
  JsonRpcId,
  McpscopePlugin,
  NotificationDirection,
  NotificationFacts,
  ObservedServer,
  ObserveOptions,
  Outcome,
  PluginFailure,
  Refusal,
  RequestAuth,
  RequestFacts,
  RouteHandler,
  RouteRequest,
  RouteResponse,
  ServerFacts,
  ServerRequestFacts,
  SessionFacts,
  ToolErrorReason,
  TransportKind,
} from './types.js';
