/**
 * Core's internal interfaces, apart from the classes that implement them, so no two source files import
 * each other. Nothing here is public.
 */
import type { HookLists } from './hook-names.js';
import type { SdkProtocol } from './sdk-shape.js';
import type {
  ContextCarrier,
  DiagnosticReceiver,
  EndpointFacts,
  JsonRpcErrorObject,
  McpscopePlugin,
  ObserveOptions,
  Refusal,
  RequestFacts,
  SessionFacts,
} from './types.js';

/** What core knows about a tools/call's handler when the request starts. */
export interface ToolCallFacts {
  readonly targetRegistered: boolean | undefined;
  /** The tool was not registered (or was disabled) when the call arrived. */
  readonly unknownTool: boolean;
  /** McpServer runs this tool call, and core sees when its handler starts. */
  readonly toolsManaged: boolean;
}

/** The side listener of an endpoint observed with `listen`. */
export interface SideListenerHandle {
  readonly ready: Promise<{ readonly host: string; readonly port: number; readonly url: string }>;
  close(): Promise<void>;
}

/** What a request record needs from its connection. */
export interface ConnectionInternals extends SessionFacts {
  /** Sends a refusal's JSON-RPC error for an inbound request that was not dispatched. */
  refuse(record: RequestFacts, error: JsonRpcErrorObject, refusal: Refusal): void;
}

/** Finds the request a handler is serving (handler wrapping keeps its original error there). */
export interface HandlerRecordLookup<Record> {
  /** From the handler's `extra` (v1) / `ctx` (v2), or the current request context. */
  recordForHandler(handlerContext: unknown): Record | undefined;
  /** By JSON-RPC id, on the endpoint's active connection. */
  recordForId(requestId: unknown): Record | undefined;
}

/** What core keeps for each observed endpoint, as the rest of core sees it. */
export interface EndpointInternals extends EndpointFacts {
  readonly options: ObserveOptions;
  readonly protocol: SdkProtocol;
  readonly plugins: readonly McpscopePlugin[];
  readonly hooks: HookLists;
  readonly carriers: readonly ContextCarrier[];
  /** Dispatch runs inside an async context even without carriers (a plugin needs `currentRequest()`). */
  readonly contextual: boolean;
  /** Where this endpoint's plugin failures and core's own go. */
  readonly receiver: DiagnosticReceiver | undefined;
  sideListener: SideListenerHandle | undefined;

  /** Registry facts for an inbound tools/call or prompts/get; undefined for other methods. */
  toolCallFacts(method: string, target: string | undefined): ToolCallFacts | undefined;
  /** Tool and prompt names seen in tools/list and prompts/list answers (servers without a registry). */
  learnListedNames(method: string, result: unknown): void;
  adjustInFlight(delta: number): void;
  connectionOpened(connection: ConnectionInternals): void;
  connectionClosed(connection: ConnectionInternals): void;
  reportCoreFailure(where: string, error: unknown): void;
}
