/** Reports of one plugin instance through core's diagnostics channel. */
import { type McpscopePlugin, reportDiagnostic } from '@mcpscope/core';
import type { HookFailure } from './custom-labels.js';
import { METRICS_DIAGNOSTIC_CODES } from './diagnostic-codes.js';

/** Reports a hook that threw, once per hook; `plugin` is read when it happens (the plugin object is built last). */
export function hookFailureReporter(plugin: () => McpscopePlugin): HookFailure {
  return (hook, error) =>
    reportDiagnostic(plugin(), {
      code: METRICS_DIAGNOSTIC_CODES.hookFailed,
      hook,
      message:
        'threw; the request was recorded as if it had returned nothing (later failures are not reported)',
      error,
    });
}
