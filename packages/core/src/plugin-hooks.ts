/**
 * Plugin isolation: hooks are looked up once per `use`, called in order, and a hook that throws (or
 * returns a rejected promise) is reported once per plugin and hook, never per request.
 */
import type { McpscopePlugin, PluginFailure, RequestFacts } from './types.js';

export const HOOK_NAMES = [
  'onServerClose',
  'onConnectionOpen',
  'onConnectionClose',
  'onSessionStart',
  'onSessionEnd',
  'onRequestStart',
  'aroundRequest',
  'onRequestEnd',
  'onNotification',
  'onServerRequestStart',
  'onServerRequestEnd',
  'onTransportError',
] as const;

export type HookName = (typeof HOOK_NAMES)[number];

export type HookLists = { [Name in HookName]: McpscopePlugin[] };

export type FailureReporter = (failure: PluginFailure) => void;

/** The name under which core reports its own unexpected failures. */
export const CORE_PLUGIN: McpscopePlugin = { name: 'mcpscope/core' };

const reportedFailures = new WeakMap<McpscopePlugin, Set<string>>();

export function writeFailureToStderr(failure: PluginFailure): void {
  const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
  process.stderr.write(
    `[mcpscope] plugin "${failure.plugin}" failed in ${failure.hook}: ${reason} ` +
      '(the request was not affected; later failures of this hook are not reported)\n',
  );
}

export function reportFailure(
  reporter: FailureReporter,
  plugin: McpscopePlugin,
  hook: string,
  error: unknown,
): void {
  let hooks = reportedFailures.get(plugin);
  if (hooks === undefined) {
    hooks = new Set();
    reportedFailures.set(plugin, hooks);
  }
  if (hooks.has(hook)) return;
  hooks.add(hook);
  try {
    reporter({ plugin: String(plugin.name), hook, error });
  } catch {
    // A failing reporter has nowhere left to report to.
  }
}

export function emptyHookLists(): HookLists {
  const lists = {} as HookLists;
  for (const name of HOOK_NAMES) lists[name] = [];
  return lists;
}

export function buildHookLists(plugins: readonly McpscopePlugin[]): HookLists {
  const lists = emptyHookLists();
  for (const plugin of plugins) {
    for (const name of HOOK_NAMES) {
      if (typeof plugin[name] === 'function') lists[name].push(plugin);
    }
  }
  return lists;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Calls one hook on every plugin that has it, isolating each. */
export function callHooks(
  plugins: readonly McpscopePlugin[],
  hook: Exclude<HookName, 'aroundRequest' | 'onTransportError'>,
  argument: unknown,
  reporter: FailureReporter,
): void {
  for (let index = 0; index < plugins.length; index++) {
    const plugin = plugins[index]!;
    try {
      const returned = (plugin[hook] as (argument: unknown) => unknown).call(plugin, argument);
      if (isThenable(returned)) {
        returned.then(undefined, (error: unknown) => reportFailure(reporter, plugin, hook, error));
      }
    } catch (error) {
      reportFailure(reporter, plugin, hook, error);
    }
  }
}

/**
 * Runs `deliver` inside every plugin's `aroundRequest`, outermost first. Each level dispatches at most
 * once; a level that throws before dispatching is skipped, so the request always reaches its handler
 * unless a plugin refused it.
 */
export function runAround(
  plugins: readonly McpscopePlugin[],
  request: RequestFacts & { aroundPlugin: string | undefined },
  deliver: () => void,
  reporter: FailureReporter,
): void {
  const enter = (index: number): void => {
    if (index === plugins.length) {
      deliver();
      return;
    }
    const plugin = plugins[index]!;
    let dispatched = false;
    const dispatch = (): void => {
      if (dispatched) return;
      dispatched = true;
      enter(index + 1);
    };
    // A plugin that refuses never dispatches, so no later level overwrites its name.
    request.aroundPlugin = plugin.name;
    try {
      plugin.aroundRequest!(request, dispatch);
    } catch (error) {
      reportFailure(reporter, plugin, 'aroundRequest', error);
      if (!dispatched && !request.ended && request.refusal === undefined) dispatch();
    }
  };
  enter(0);
}
