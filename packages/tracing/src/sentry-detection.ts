/**
 * Sentry's MCP instrumentation (`wrapMcpServerWithSentry`, or the automatic `mcpServerIntegration`)
 * replaces the server's `connect` with a wrapper that carries `__sentry_original__`, and in its
 * OpenTelemetry mode registers a `SentryTracerProvider` globally.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { SentryCoexistence } from './types.js';

export function isWrappedBySentry(server: object): boolean {
  const connect = (server as { connect?: unknown }).connect;
  return (
    typeof connect === 'function' &&
    (connect as { __sentry_original__?: unknown }).__sentry_original__ !== undefined
  );
}

export function isSentryTracerProvider(provider: TracerProvider): boolean {
  return provider.constructor?.name === 'SentryTracerProvider';
}

/** Whether server spans for this server would duplicate the ones Sentry records. */
export function defersToSentry(
  mode: SentryCoexistence,
  server: object,
  provider: () => TracerProvider,
): boolean {
  if (mode === 'trace' || !isWrappedBySentry(server)) return false;
  return mode === 'defer' || isSentryTracerProvider(provider());
}
