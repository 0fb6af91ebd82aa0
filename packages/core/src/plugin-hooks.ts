/**
 * Plugin isolation: hooks are looked up once per `use`, called in order, and a hook that throws (or
 * returns a rejected promise) is reported once per plugin and hook, never per request.
 */
import { reportPluginFailure } from './diagnostics.js';
import { HOOK_NAMES, type HookLists, type HookName, type PluginHook } from './hook-names.js';
import type { DiagnosticReceiver, McpscopePlugin, RequestFacts } from './types.js';

export type { HookLists } from './hook-names.js';

/** Where an endpoint's plugin failures go. */
export type FailureReceiver = DiagnosticReceiver | undefined;

export function emptyHookLists(): HookLists {
  return buildHookLists([]);
}

export function buildHookLists(plugins: readonly McpscopePlugin[]): HookLists {
  const lists = {} as { [Name in HookName]: PluginHook[] };
  for (const name of HOOK_NAMES) lists[name] = [];
  for (const plugin of plugins) {
    for (const name of HOOK_NAMES) {
      const method = plugin[name];
      if (typeof method === 'function') lists[name].push({ plugin, method: method as PluginHook['method'] });
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
  hooks: readonly PluginHook[],
  hook: Exclude<HookName, 'aroundRequest'>,
  argument: unknown,
  receiver: FailureReceiver,
): void {
  for (let index = 0; index < hooks.length; index++) {
    const { plugin, method } = hooks[index]!;
    try {
      const returned = (method as (this: McpscopePlugin, argument: unknown) => unknown).call(
        plugin,
        argument,
      );
      if (isThenable(returned)) {
        returned.then(undefined, (error: unknown) => reportPluginFailure(plugin, hook, error, receiver));
      }
    } catch (error) {
      reportPluginFailure(plugin, hook, error, receiver);
    }
  }
}

/** Calls one plugin's hook (setup, or a late plugin's view of open connections), isolated. */
export function callHook(
  plugin: McpscopePlugin,
  hook: 'setup' | 'onConnectionOpen' | 'onSessionStart',
  argument: unknown,
  receiver: FailureReceiver,
): void {
  const method = plugin[hook] as ((argument: unknown) => void) | undefined;
  if (method === undefined) return;
  try {
    method.call(plugin, argument);
  } catch (error) {
    reportPluginFailure(plugin, hook, error, receiver);
  }
}

/** What `runAround` needs to know about the request beyond its facts. */
export interface AroundState {
  readonly ended: boolean;
  readonly refusal: unknown;
  /** The plugin whose `aroundRequest` is running: the default author of a refusal. */
  aroundPlugin: string | undefined;
}

/**
 * Runs `deliver` inside every plugin's `aroundRequest`, outermost first. Each level dispatches at most
 * once; a level that throws before dispatching is skipped, so the request always reaches its handler
 * unless a plugin refused it.
 */
export function runAround(
  arounds: readonly PluginHook[],
  request: RequestFacts & AroundState,
  deliver: () => void,
  receiver: FailureReceiver,
): void {
  const enter = (index: number): void => {
    if (index === arounds.length) {
      deliver();
      return;
    }
    const { plugin, method } = arounds[index]!;
    let dispatched = false;
    const dispatch = (): void => {
      if (dispatched) return;
      dispatched = true;
      enter(index + 1);
    };
    // A plugin that refuses never dispatches, so no later level overwrites its name.
    request.aroundPlugin = plugin.name;
    try {
      (method as NonNullable<McpscopePlugin['aroundRequest']>).call(plugin, request, dispatch);
    } catch (error) {
      reportPluginFailure(plugin, 'aroundRequest', error, receiver);
      if (!dispatched && !request.ended && request.refusal === undefined) dispatch();
    }
  };
  enter(0);
}
