/** The plugin hooks core calls per event, looked up once per `use`. */
import type { McpscopePlugin } from './types.js';

export const HOOK_NAMES = [
  'onEndpointClose',
  'onConnectionOpen',
  'onConnectionClose',
  'onSessionStart',
  'onSessionEnd',
  'onRequestStart',
  'aroundRequest',
  'onRequestEnd',
  'onOutboundRequestStart',
  'onOutboundRequestEnd',
  'onNotification',
  'onTransportError',
] as const;

export type HookName = (typeof HOOK_NAMES)[number];

/** One plugin's hook, read once when the plugin is attached. */
export interface PluginHook {
  readonly plugin: McpscopePlugin;
  readonly method: (this: McpscopePlugin, ...args: never[]) => unknown;
}

export type HookLists = { readonly [Name in HookName]: readonly PluginHook[] };
