/**
 * Everything core keeps for one observed endpoint (a server or a client): its plugins, its connections,
 * and the in-place replacements of `connect` and `close` through which it sees each transport before it
 * starts.
 */
import { Connection } from './connection.js';
import {
  addDiagnosticReceiver,
  CORE_DIAGNOSTIC_CODES,
  CORE_PLUGIN,
  reportDiagnostic,
  reportPluginFailure,
  writeDiagnosticToStderr,
} from './diagnostics.js';
import { captureHandlerErrors, captureToolFailures } from './handler-errors.js';
import type {
  ConnectionInternals,
  EndpointInternals,
  HandlerRecordLookup,
  SideListenerHandle,
  ToolCallFacts,
} from './internal-types.js';
import { isObject } from './json-rpc.js';
import { buildHookLists, callHook, callHooks, emptyHookLists, type HookLists } from './plugin-hooks.js';
import { currentRequest, registerCarrier } from './request-context.js';
import type { RequestRecord } from './request-record.js';
import {
  type EndpointShape,
  requestIdOfHandlerContext,
  type SdkProtocol,
  type SdkRegistry,
  type SdkTransport,
} from './sdk-shape.js';
import { shared } from './shared-state.js';
import type {
  ContextCarrier,
  DiagnosticReceiver,
  EndpointRole,
  McpscopePlugin,
  ObserveOptions,
} from './types.js';

export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
const MAX_LISTED_NAMES = 10_000;

export class EndpointState implements EndpointInternals, HandlerRecordLookup<RequestRecord> {
  readonly role: EndpointRole;
  readonly instance: object;
  readonly protocol: SdkProtocol;
  readonly registry: SdkRegistry | undefined;
  readonly options: ObserveOptions;
  readonly receiver: DiagnosticReceiver | undefined;
  readonly plugins: McpscopePlugin[] = [];
  hooks: HookLists = emptyHookLists();
  carriers: ContextCarrier[] = [];
  contextual: boolean;
  readonly connections = new Set<Connection>();
  private activeConnection: Connection | undefined = undefined;
  private inFlightCount = 0;
  sideListener: SideListenerHandle | undefined = undefined;
  /** McpServer's tool steps report to core, so its tools/call handler needs no wrapper of its own. */
  private toolsManaged = false;
  /** Names seen in tools/list and prompts/list answers, for low-level servers without a registry. */
  private readonly listedTools = new Set<string>();
  private readonly listedPrompts = new Set<string>();
  private closing: Promise<void> | undefined = undefined;
  closed = false;
  private everConnected = false;

  constructor(instance: object, shape: EndpointShape, options: ObserveOptions) {
    this.role = shape.role;
    this.instance = instance;
    this.protocol = shape.protocol;
    this.registry = shape.registry;
    this.options = options;
    this.receiver = options.onDiagnostic;
    this.contextual = options.requestContext === true;
  }

  // ---- EndpointFacts ---------------------------------------------------------------------------------

  private get ownInfo(): { name?: unknown; version?: unknown } | undefined {
    return this.role === 'client' ? this.protocol._clientInfo : this.protocol._serverInfo;
  }

  get name(): string | undefined {
    const name = this.ownInfo?.name;
    return typeof name === 'string' ? name : undefined;
  }

  get version(): string | undefined {
    const version = this.ownInfo?.version;
    return typeof version === 'string' ? version : undefined;
  }

  get connected(): boolean {
    return this.connections.size > 0;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  isRegisteredTool(name: string): boolean {
    const tools = this.registry?._registeredTools;
    return tools === undefined ? this.listedTools.has(name) : Object.hasOwn(tools, name);
  }

  isRegisteredPrompt(name: string): boolean {
    const prompts = this.registry?._registeredPrompts;
    return prompts === undefined ? this.listedPrompts.has(name) : Object.hasOwn(prompts, name);
  }

  close(): Promise<void> {
    return (this.instance as { close(): Promise<void> }).close();
  }

  // ---- installation ----------------------------------------------------------------------------------

  install(): void {
    const state = this;
    const { protocol } = this;
    const originalConnect = protocol.connect;
    protocol.connect = function observedConnect(this: unknown, transport: SdkTransport, ...rest: unknown[]) {
      const restore = state.prepareTransport(transport);
      const connecting = (originalConnect as (...args: unknown[]) => Promise<void>).call(
        this,
        transport,
        ...rest,
      );
      return Promise.resolve(connecting).catch((error: unknown) => {
        restore();
        throw error;
      });
    };

    const closable = this.instance as { close(): Promise<void> };
    const originalClose = closable.close;
    closable.close = async function observedClose(this: unknown) {
      state.markClosed();
      try {
        return await originalClose.call(this);
      } finally {
        await state.closeExtras();
      }
    };

    if (this.registry !== undefined) this.toolsManaged = captureToolFailures(this.registry, this);
    captureHandlerErrors(protocol, this);
    // Observed after connecting: watch the live transport from now on.
    const live = protocol.transport;
    if (live !== undefined) this.connect(live);
  }

  /**
   * Runs core's hook installation inside `transport.start()`, after the SDK set its callbacks and
   * before anything can be delivered. Returns a function that undoes the preparation.
   */
  private prepareTransport(transport: SdkTransport): () => void {
    const hadOwnStart = Object.hasOwn(transport, 'start');
    const start = transport.start;
    let started = false;
    const restore = (): void => {
      if (started) return;
      started = true;
      if (hadOwnStart) transport.start = start;
      else delete (transport as Partial<SdkTransport>).start;
    };
    transport.start = () => {
      restore();
      try {
        this.connect(transport);
      } catch (error) {
        this.reportCoreFailure('connect', error);
      }
      return start.call(transport);
    };
    return restore;
  }

  private connect(transport: SdkTransport): void {
    this.connectionOpened(new Connection(this, transport));
  }

  /**
   * Whether the plugins' diagnostics should reach this endpoint's receiver: open, and connected (or not
   * yet connected). A server per session whose client left is nobody's audience any more, even before it
   * is collected, so the plugins' receiver lists hold the open sessions only.
   */
  get listening(): boolean {
    return !this.closed && (this.connections.size > 0 || !this.everConnected);
  }

  connectionOpened(connection: ConnectionInternals): void {
    const opened = connection as Connection;
    this.connections.add(opened);
    this.activeConnection = opened;
    if (this.everConnected && this.connections.size === 1) {
      // Connected again after its clients left: its receiver listens again.
      for (const plugin of this.plugins)
        addDiagnosticReceiver(plugin, this, this.receiver ?? writeDiagnosticToStderr);
    }
    this.everConnected = true;
    const hooks = this.hooks.onConnectionOpen;
    if (hooks.length > 0) callHooks(hooks, 'onConnectionOpen', opened, this.receiver);
  }

  connectionClosed(connection: ConnectionInternals): void {
    const closed = connection as Connection;
    if (!this.connections.delete(closed)) return;
    if (this.activeConnection === closed) this.activeConnection = undefined;
    if (closed.initialized && this.hooks.onSessionEnd.length > 0) {
      callHooks(this.hooks.onSessionEnd, 'onSessionEnd', closed, this.receiver);
    }
    if (this.hooks.onConnectionClose.length > 0) {
      callHooks(this.hooks.onConnectionClose, 'onConnectionClose', closed, this.receiver);
    }
  }

  adjustInFlight(delta: number): void {
    this.inFlightCount += delta;
  }

  // ---- plugins ---------------------------------------------------------------------------------------

  attach(plugins: readonly McpscopePlugin[]): void {
    const added: McpscopePlugin[] = [];
    for (const plugin of plugins) {
      if (typeof plugin !== 'object' || plugin === null || typeof plugin.name !== 'string') {
        throw new TypeError('use() takes mcpscope plugins: objects with a string `name` and hooks.');
      }
      if (this.plugins.includes(plugin) || added.includes(plugin)) continue;
      added.push(plugin);
    }
    if (added.length === 0) return;
    this.plugins.push(...added);
    this.hooks = buildHookLists(this.plugins);
    this.carriers = this.plugins
      .map((plugin) => plugin.contextCarrier)
      .filter((carrier): carrier is ContextCarrier => carrier !== undefined)
      .sort((left, right) => right.priority - left.priority);
    for (const carrier of this.carriers) registerCarrier(carrier);
    if (added.some((plugin) => plugin.requestContext === true)) this.contextual = true;
    for (const plugin of added) {
      addDiagnosticReceiver(plugin, this, this.receiver ?? writeDiagnosticToStderr);
      this.introduce(plugin);
    }
  }

  /** Lets a newly attached plugin see the endpoint and the connections already open. */
  private introduce(plugin: McpscopePlugin): void {
    callHook(plugin, 'setup', this, this.receiver);
    for (const connection of this.connections) {
      callHook(plugin, 'onConnectionOpen', connection, this.receiver);
      if (connection.initialized) callHook(plugin, 'onSessionStart', connection, this.receiver);
    }
  }

  reportCoreFailure(where: string, error: unknown): void {
    reportPluginFailure(CORE_PLUGIN, where, error, this.receiver);
  }

  // ---- per request -----------------------------------------------------------------------------------

  toolCallFacts(method: string, target: string | undefined): ToolCallFacts | undefined {
    if (this.role !== 'server') return undefined;
    if (method === 'tools/call') {
      if (target === undefined)
        return { targetRegistered: undefined, unknownTool: false, toolsManaged: this.toolsManaged };
      const targetRegistered = this.isRegisteredTool(target);
      const tools = this.registry?._registeredTools;
      const unknownTool = tools !== undefined && (!targetRegistered || tools[target]?.enabled === false);
      return { targetRegistered, unknownTool, toolsManaged: this.toolsManaged };
    }
    if (method === 'prompts/get' && target !== undefined) {
      return { targetRegistered: this.isRegisteredPrompt(target), unknownTool: false, toolsManaged: false };
    }
    return undefined;
  }

  recordForId(requestId: unknown): RequestRecord | undefined {
    const record = this.activeConnection?.inbound.findOpen(requestId);
    if (record?.nextWithSameId === undefined) return record;
    // A reused id: the handler runs in its own request's context.
    const current = currentRequest() as RequestRecord | undefined;
    return current !== undefined && current.id === requestId ? current : record;
  }

  recordForHandler(handlerContext: unknown): RequestRecord | undefined {
    const id = requestIdOfHandlerContext(handlerContext);
    if (id !== undefined) return this.recordForId(id);
    const current = currentRequest() as RequestRecord | undefined;
    return current !== undefined && current.session.endpoint === this ? current : undefined;
  }

  learnListedNames(method: string, result: unknown): void {
    if (this.registry !== undefined || !isObject(result)) return;
    const [entries, names] =
      method === 'tools/list' ? [result.tools, this.listedTools] : [result.prompts, this.listedPrompts];
    if (!Array.isArray(entries)) return;
    for (const entry of entries) {
      if (isObject(entry) && typeof entry.name === 'string' && names.size < MAX_LISTED_NAMES) {
        names.add(entry.name);
      }
    }
  }

  // ---- closing ---------------------------------------------------------------------------------------

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.hooks.onEndpointClose.length > 0) {
      callHooks(this.hooks.onEndpointClose, 'onEndpointClose', this, this.receiver);
    }
  }

  /** Flushes every attached plugin within the time limit. */
  flush(): Promise<void> {
    const timeoutMs = this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    return Promise.all(
      this.plugins
        .filter((plugin) => typeof plugin.close === 'function')
        .map((plugin) => closePlugin(plugin, timeoutMs, this.receiver)),
    ).then(() => undefined);
  }

  /** After the endpoint closed: flush every plugin (each within the time limit), stop the side listener. */
  private closeExtras(): Promise<void> {
    this.closing ??= this.runCloseExtras().finally(() => {
      this.closing = undefined;
    });
    return this.closing;
  }

  private async runCloseExtras(): Promise<void> {
    const closing: Promise<void>[] = [];
    if (this.options.closePlugins !== false) closing.push(this.flush());
    if (this.sideListener !== undefined) closing.push(this.sideListener.close());
    await Promise.all(closing);
  }
}

/** Closes (flushes) one plugin within a time limit; concurrent closes of one plugin share one run. */
export function closePlugin(
  plugin: McpscopePlugin,
  timeoutMs: number,
  receiver: DiagnosticReceiver | undefined,
): Promise<void> {
  const running = shared.closings.get(plugin);
  if (running !== undefined) return running;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      reportDiagnostic(
        plugin,
        {
          code: CORE_DIAGNOSTIC_CODES.pluginCloseTimeout,
          hook: 'close',
          message: `close did not finish within ${timeoutMs} ms`,
        },
        receiver,
      );
      resolve();
    }, timeoutMs);
    timer.unref();
  });
  const closing = Promise.race([
    Promise.resolve()
      .then(() => plugin.close!())
      .then(
        () => undefined,
        (error: unknown) => reportPluginFailure(plugin, 'close', error, receiver),
      ),
    limit,
  ]).finally(() => {
    clearTimeout(timer);
    shared.closings.delete(plugin);
  });
  shared.closings.set(plugin, closing);
  return closing;
}
