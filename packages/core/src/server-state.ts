/**
 * Everything core keeps for one observed server: its plugins, its connections, and the in-place
 * replacements of `connect` and `close` through which it sees each transport before it starts.
 */
import { Connection } from './connection.js';
import { captureHandlerErrors, captureToolFailures, type HandlerRecordLookup } from './handler-errors.js';
import { isObject } from './json-rpc.js';
import {
  buildHookLists,
  CORE_PLUGIN,
  callHooks,
  emptyHookLists,
  type FailureReporter,
  type HookLists,
  reportFailure,
  runAround,
  writeFailureToStderr,
} from './plugin-hooks.js';
import { currentRequest } from './request-context.js';
import type { RequestRecord } from './request-record.js';
import {
  requestIdOfHandlerContext,
  type SdkProtocol,
  type SdkRegistry,
  type SdkTransport,
  type ServerShape,
} from './sdk-shape.js';
import type { SideListener } from './side-listener.js';
import type { McpscopePlugin, ObserveOptions, ServerFacts } from './types.js';

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export class ServerState implements ServerFacts, HandlerRecordLookup {
  readonly instance: object;
  readonly protocol: SdkProtocol;
  readonly registry: SdkRegistry | undefined;
  readonly options: ObserveOptions;
  readonly reporter: FailureReporter;
  readonly plugins: McpscopePlugin[] = [];
  hooks: HookLists = emptyHookLists();
  /** Dispatch runs inside AsyncLocalStorage (some plugin needs `currentRequest()`). */
  contextual: boolean;
  readonly connections = new Set<Connection>();
  activeConnection: Connection | undefined = undefined;
  inFlightCount = 0;
  sideListener: SideListener | undefined = undefined;
  /** McpServer's tool steps report to core, so its tools/call handler needs no wrapper of its own. */
  private toolsManaged = false;
  /** Names seen in tools/list and prompts/list answers, for low-level servers without a registry. */
  private readonly listedTools = new Set<string>();
  private readonly listedPrompts = new Set<string>();
  private closing: Promise<void> | undefined = undefined;
  closed = false;

  constructor(instance: object, shape: ServerShape, options: ObserveOptions) {
    this.instance = instance;
    this.protocol = shape.protocol;
    this.registry = shape.registry;
    this.options = options;
    this.reporter = options.onPluginError ?? writeFailureToStderr;
    this.contextual = options.requestContext === true;
  }

  // ---- ServerFacts -----------------------------------------------------------------------------------

  get name(): string | undefined {
    const name = this.protocol._serverInfo?.name;
    return typeof name === 'string' ? name : undefined;
  }

  get version(): string | undefined {
    const version = this.protocol._serverInfo?.version;
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
    protocol.connect = function observedConnect(this: unknown, transport: SdkTransport) {
      const restore = state.prepareTransport(transport);
      const connecting = originalConnect.call(this, transport);
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

  connect(transport: SdkTransport): void {
    const connection = new Connection(this, transport);
    this.connections.add(connection);
    this.activeConnection = connection;
    const hooks = this.hooks.onConnectionOpen;
    if (hooks.length > 0) callHooks(hooks, 'onConnectionOpen', connection, this.reporter);
  }

  connectionClosed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    if (this.activeConnection === connection) this.activeConnection = undefined;
    if (connection.initialized && this.hooks.onSessionEnd.length > 0) {
      callHooks(this.hooks.onSessionEnd, 'onSessionEnd', connection, this.reporter);
    }
    if (this.hooks.onConnectionClose.length > 0) {
      callHooks(this.hooks.onConnectionClose, 'onConnectionClose', connection, this.reporter);
    }
  }

  transportError(connection: Connection, error: Error): void {
    const plugins = this.hooks.onTransportError;
    for (const plugin of plugins) {
      try {
        plugin.onTransportError!(error, connection);
      } catch (failure) {
        reportFailure(this.reporter, plugin, 'onTransportError', failure);
      }
    }
  }

  // ---- plugins ---------------------------------------------------------------------------------------

  attach(plugins: readonly McpscopePlugin[]): void {
    const added: McpscopePlugin[] = [];
    for (const plugin of plugins) {
      if (typeof plugin !== 'object' || plugin === null || typeof plugin.name !== 'string') {
        throw new TypeError('server.use() takes mcpscope plugins: objects with a string `name` and hooks.');
      }
      if (this.plugins.includes(plugin) || added.includes(plugin)) continue;
      added.push(plugin);
    }
    if (added.length === 0) return;
    this.plugins.push(...added);
    this.hooks = buildHookLists(this.plugins);
    if (added.some((plugin) => plugin.requestContext === true)) this.contextual = true;
    for (const plugin of added) this.introduce(plugin);
  }

  /** Lets a newly attached plugin see the server and the connections already open. */
  private introduce(plugin: McpscopePlugin): void {
    const call = (hook: 'setup' | 'onConnectionOpen' | 'onSessionStart', argument: unknown): void => {
      const method = plugin[hook] as ((argument: unknown) => void) | undefined;
      if (method === undefined) return;
      try {
        method.call(plugin, argument);
      } catch (error) {
        reportFailure(this.reporter, plugin, hook, error);
      }
    };
    call('setup', this);
    for (const connection of this.connections) {
      call('onConnectionOpen', connection);
      if (connection.initialized) call('onSessionStart', connection);
    }
  }

  reportCoreFailure(where: string, error: unknown): void {
    reportFailure(this.reporter, CORE_PLUGIN, where, error);
  }

  // ---- per request -----------------------------------------------------------------------------------

  /** Facts that depend on the server: whether the target is registered; error capture for its handler. */
  describeTarget(record: RequestRecord): void {
    const { method, target } = record;
    if (method === 'tools/call') {
      record.toolsManaged = this.toolsManaged;
      if (target !== undefined) {
        record.targetRegistered = this.isRegisteredTool(target);
        const tool = this.registry?._registeredTools;
        if (tool !== undefined) {
          record.unknownTool = !record.targetRegistered || tool[target]?.enabled === false;
        }
      }
      if (this.toolsManaged) return;
    } else if (method === 'prompts/get' && target !== undefined) {
      record.targetRegistered = this.isRegisteredPrompt(target);
    }
    captureHandlerErrors(this.protocol, method, this);
  }

  dispatch(record: RequestRecord, deliver: () => void): void {
    const arounds = this.hooks.aroundRequest;
    if (arounds.length === 0) deliver();
    else runAround(arounds, record, deliver, this.reporter);
  }

  recordForId(requestId: unknown): RequestRecord | undefined {
    return this.activeConnection?.findOpenRequest(requestId);
  }

  recordForHandler(handlerContext: unknown): RequestRecord | undefined {
    const current = currentRequest() as RequestRecord | undefined;
    if (current !== undefined && current.session.server === this) return current;
    return this.recordForId(requestIdOfHandlerContext(handlerContext));
  }

  learnListedNames(method: string, result: unknown): void {
    if (this.registry !== undefined || !isObject(result)) return;
    const [entries, names] =
      method === 'tools/list' ? [result.tools, this.listedTools] : [result.prompts, this.listedPrompts];
    if (!Array.isArray(entries)) return;
    for (const entry of entries) {
      if (isObject(entry) && typeof entry.name === 'string' && names.size < 10_000) names.add(entry.name);
    }
  }

  // ---- closing ---------------------------------------------------------------------------------------

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.hooks.onServerClose.length > 0)
      callHooks(this.hooks.onServerClose, 'onServerClose', this, this.reporter);
  }

  /** Flushes every attached plugin within the time limit. */
  flush(): Promise<void> {
    const timeoutMs = this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    return Promise.all(
      this.plugins
        .filter((plugin) => typeof plugin.close === 'function')
        .map((plugin) => closePlugin(plugin, timeoutMs, this.reporter)),
    ).then(() => undefined);
  }

  /** After the server closed: flush every plugin (each within the time limit), stop the side listener. */
  closeExtras(): Promise<void> {
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

const pluginClosings = new WeakMap<McpscopePlugin, Promise<void>>();

/** Closes (flushes) one plugin within a time limit; concurrent closes of one plugin share one run. */
function closePlugin(plugin: McpscopePlugin, timeoutMs: number, reporter: FailureReporter): Promise<void> {
  const running = pluginClosings.get(plugin);
  if (running !== undefined) return running;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      reportFailure(reporter, plugin, 'close', new Error(`close did not finish within ${timeoutMs} ms`));
      resolve();
    }, timeoutMs);
    timer.unref();
  });
  const closing = Promise.race([
    Promise.resolve()
      .then(() => plugin.close!())
      .then(
        () => undefined,
        (error: unknown) => reportFailure(reporter, plugin, 'close', error),
      ),
    limit,
  ]).finally(() => {
    clearTimeout(timer);
    pluginClosings.delete(plugin);
  });
  pluginClosings.set(plugin, closing);
  return closing;
}
