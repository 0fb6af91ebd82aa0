/**
 * The user's per-request hooks (`requestHook`, `responseHook`, `ignore`). A hook that throws is reported
 * once per hook (`MCPSCOPE_TRACING_HOOK_FAILED`) and the request goes on as if it had returned nothing.
 */
import { type McpscopePlugin, type RequestFacts, reportDiagnostic } from '@mcpscope/core';
import type { Span } from '@opentelemetry/api';
import { TRACING_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import type { TracingIgnore, TracingSpanHook } from './types.js';

function reportHookFailure(plugin: McpscopePlugin, hook: string, error: unknown): void {
  reportDiagnostic(plugin, {
    code: TRACING_DIAGNOSTIC_CODES.hookFailed,
    hook,
    message: `${hook} threw (the span and the request were not affected; later failures are not reported)`,
    error,
  });
}

export function callSpanHook(
  plugin: McpscopePlugin,
  name: 'requestHook' | 'responseHook',
  hook: TracingSpanHook,
  span: Span,
  request: RequestFacts,
): void {
  try {
    hook(span, request);
  } catch (error) {
    reportHookFailure(plugin, name, error);
  }
}

/** Whether `ignore` asks for no span; a throwing `ignore` records the span. */
export function isIgnored(plugin: McpscopePlugin, ignore: TracingIgnore, request: RequestFacts): boolean {
  try {
    return ignore(request) === true;
  } catch (error) {
    reportHookFailure(plugin, 'ignore', error);
    return false;
  }
}
