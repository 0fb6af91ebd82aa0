/**
 * The one diagnostics channel: plugins and core report warnings and failures here instead of writing to
 * stderr themselves. Each plugin instance reports a code once (until it clears it); the receivers of the
 * endpoints it is attached to get it, or, before it is attached anywhere, one line on stderr.
 */
import { type DiagnosticAudience, type ReceiverEntry, shared } from './shared-state.js';
import type { Diagnostic, DiagnosticReceiver, McpscopePlugin } from './types.js';

/** Codes core itself reports. */
export const CORE_DIAGNOSTIC_CODES = {
  /** A plugin hook threw (reported once per plugin and hook); the request was not affected. */
  pluginFailed: 'MCPSCOPE_PLUGIN_FAILED',
  /** A plugin's close did not finish within `closeTimeoutMs`. */
  pluginCloseTimeout: 'MCPSCOPE_PLUGIN_CLOSE_TIMEOUT',
  /** Core's own bookkeeping failed; the request was passed on unchanged. */
  coreFailed: 'MCPSCOPE_CORE_FAILED',
  /** The side listener could not listen or failed. */
  sideListenerFailed: 'MCPSCOPE_SIDE_LISTENER_FAILED',
} as const;

/** Core's own name in diagnostics. */
export const CORE_PLUGIN: McpscopePlugin = { name: 'core' };

/** One line on stderr (stdout belongs to the stdio transport). */
export function writeDiagnosticToStderr(diagnostic: Diagnostic): void {
  const reason =
    diagnostic.error === undefined
      ? ''
      : `: ${diagnostic.error instanceof Error ? diagnostic.error.message : String(diagnostic.error)}`;
  const hook = diagnostic.hook === undefined ? '' : ` in ${diagnostic.hook}`;
  process.stderr.write(
    `[mcpscope] ${diagnostic.plugin}${hook}: ${diagnostic.message}${reason} (${diagnostic.code})\n`,
  );
}

function liveEntries(plugin: McpscopePlugin): ReceiverEntry[] {
  const entries = shared.receivers.get(plugin);
  if (entries === undefined) return [];
  const live = entries.filter((entry) => {
    const endpoint = entry.endpoint.deref();
    return endpoint?.listening === true;
  });
  if (live.length !== entries.length) {
    shared.receivers.set(plugin, live);
    if (live.length === 0) shared.lastReceivers.set(plugin, [entries[entries.length - 1]!.receiver]);
  }
  return live;
}

/**
 * Routes a plugin's diagnostics to the receiver of an endpoint it is attached to, while that endpoint is
 * listening (open, and connected or not yet connected) and reachable (servers built per session come and
 * go: nothing here keeps them alive). Once per endpoint.
 */
export function addDiagnosticReceiver(
  plugin: McpscopePlugin,
  endpoint: DiagnosticAudience,
  receiver: DiagnosticReceiver,
): void {
  const entries = liveEntries(plugin);
  if (entries.some((entry) => entry.endpoint.deref() === endpoint)) return;
  entries.push({ endpoint: new WeakRef(endpoint), receiver });
  shared.receivers.set(plugin, entries);
}

function distinctReceivers(entries: readonly ReceiverEntry[]): DiagnosticReceiver[] {
  const distinct: DiagnosticReceiver[] = [];
  for (let index = entries.length - 1; index >= 0; index--) {
    const { receiver } = entries[index]!;
    if (!distinct.includes(receiver)) distinct.push(receiver);
  }
  return distinct;
}

/**
 * The distinct receivers of the plugin's open endpoints, newest first; once every endpoint closed, the
 * receiver of the endpoint it was attached to last (a drain reports after its servers closed); stderr
 * before it was attached anywhere.
 */
function receiversOf(plugin: McpscopePlugin): DiagnosticReceiver[] {
  const live = distinctReceivers(liveEntries(plugin));
  if (live.length > 0) return live;
  return shared.lastReceivers.get(plugin) ?? [writeDiagnosticToStderr];
}

function deliver(receivers: Iterable<DiagnosticReceiver>, diagnostic: Diagnostic): void {
  for (const receiver of receivers) {
    try {
      receiver(diagnostic);
    } catch {
      // A failing receiver has nowhere left to report to.
    }
  }
}

/**
 * Reports a diagnostic for a plugin, once per plugin instance and code (and hook, when given), until
 * `clearDiagnostic` allows it again. `receiver` overrides the plugin's receivers (core uses it for
 * failures of endpoints observed with their own `onDiagnostic`).
 */
export function reportDiagnostic(
  plugin: McpscopePlugin,
  diagnostic: Omit<Diagnostic, 'plugin'>,
  receiver?: DiagnosticReceiver,
): void {
  const key = diagnostic.hook === undefined ? diagnostic.code : `${diagnostic.code}\u0000${diagnostic.hook}`;
  let reported = shared.reported.get(plugin);
  if (reported === undefined) {
    reported = new Set();
    shared.reported.set(plugin, reported);
  }
  if (reported.has(key)) return;
  reported.add(key);
  const full: Diagnostic = { ...diagnostic, plugin: String(plugin.name) };
  if (receiver !== undefined) {
    deliver([receiver], full);
    return;
  }
  deliver(receiversOf(plugin), full);
}

/** Lets a code be reported again (e.g. a store that recovered and may fail again later). */
export function clearDiagnostic(plugin: McpscopePlugin, code: string): void {
  const reported = shared.reported.get(plugin);
  if (reported === undefined) return;
  for (const key of reported) {
    if (key === code || key.startsWith(`${code}\u0000`)) reported.delete(key);
  }
}

/** A plugin hook threw: reported once per plugin and hook. */
export function reportPluginFailure(
  plugin: McpscopePlugin,
  hook: string,
  error: unknown,
  receiver?: DiagnosticReceiver,
): void {
  reportDiagnostic(
    plugin,
    {
      code: plugin === CORE_PLUGIN ? CORE_DIAGNOSTIC_CODES.coreFailed : CORE_DIAGNOSTIC_CODES.pluginFailed,
      hook,
      message: 'failed (the request was not affected; later failures of this hook are not reported)',
      error,
    },
    receiver,
  );
}
