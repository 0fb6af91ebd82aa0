/**
 * State every copy of @mcpscope/core in a process must share (plugins released independently can bring
 * their own copy; the ESM and the CommonJS build can both be loaded): it lives under a versioned global
 * symbol, as `@opentelemetry/api` keeps its registry. Bump the version when the shape changes; copies with
 * different versions then keep apart instead of misreading each other.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EndpointInternals } from './internal-types.js';
import type { ContextCarrier, DiagnosticReceiver, McpscopePlugin, RequestFacts } from './types.js';

export const SHARED_STATE_VERSION = 2;

/** What core asks of an endpoint whose receiver gets diagnostics: whether anyone listens there now. */
export interface DiagnosticAudience {
  readonly listening: boolean;
}

/** An endpoint's receiver, for as long as the endpoint listens and is reachable. */
export interface ReceiverEntry {
  readonly endpoint: WeakRef<DiagnosticAudience>;
  readonly receiver: DiagnosticReceiver;
}

export interface SharedState {
  readonly version: number;
  /** Observed SDK instances and what core keeps for each. */
  readonly endpoints: WeakMap<object, EndpointInternals>;
  /** The current request inside handlers, when no plugin carries it in its own context. */
  readonly requestStorage: AsyncLocalStorage<RequestFacts>;
  /** Every context carrier a plugin offered, for `currentRequest()`. */
  readonly carriers: Set<ContextCarrier>;
  /** The diagnostic receivers of the endpoints each plugin is attached to, held weakly by endpoint. */
  readonly receivers: WeakMap<McpscopePlugin, ReceiverEntry[]>;
  /** The receiver of the endpoint a plugin was attached to last, once all of them closed (a drain reports after). */
  readonly lastReceivers: WeakMap<McpscopePlugin, DiagnosticReceiver[]>;
  /** Diagnostic codes already reported, per plugin instance (or reporting object). */
  readonly reported: WeakMap<object, Set<string>>;
  /** A plugin's close in progress, shared by concurrent closes. */
  readonly closings: WeakMap<McpscopePlugin, Promise<void>>;
}

const SHARED_STATE_KEY = Symbol.for(`mcpscope.core.shared-state.v${SHARED_STATE_VERSION}`);

function createSharedState(): SharedState {
  return {
    version: SHARED_STATE_VERSION,
    endpoints: new WeakMap(),
    requestStorage: new AsyncLocalStorage(),
    carriers: new Set(),
    receivers: new WeakMap(),
    lastReceivers: new WeakMap(),
    reported: new WeakMap(),
    closings: new WeakMap(),
  };
}

function sharedState(): SharedState {
  const global = globalThis as { [SHARED_STATE_KEY]?: SharedState };
  const existing = global[SHARED_STATE_KEY];
  if (existing !== undefined && existing.version === SHARED_STATE_VERSION) return existing;
  const created = createSharedState();
  Object.defineProperty(globalThis, SHARED_STATE_KEY, {
    value: created,
    configurable: true,
    writable: false,
  });
  return created;
}

/** The one shared state of this process. */
export const shared: SharedState = sharedState();
