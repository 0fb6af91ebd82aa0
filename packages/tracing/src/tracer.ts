/** The tracer spans come from: a given provider's, or the global one's (re-resolved if it is replaced). */
import { type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import packageJson from '../package.json' with { type: 'json' };

export const INSTRUMENTATION_SCOPE = '@mcpscope/tracing';

export type TracerSource = () => Tracer;

export function tracerSource(provider: TracerProvider | undefined): TracerSource {
  if (provider !== undefined) {
    const tracer = provider.getTracer(INSTRUMENTATION_SCOPE, packageJson.version);
    return () => tracer;
  }
  // Another copy of @opentelemetry/api may register the global provider after this one was read.
  let current: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  return () => {
    const global = trace.getTracerProvider();
    if (global !== current || tracer === undefined) {
      current = global;
      tracer = global.getTracer(INSTRUMENTATION_SCOPE, packageJson.version);
    }
    return tracer;
  };
}

/** The provider spans go to, for telling whether it is Sentry's. */
export function effectiveProvider(provider: TracerProvider | undefined): TracerProvider {
  const chosen = provider ?? trace.getTracerProvider();
  const delegate = (chosen as { getDelegate?: () => TracerProvider }).getDelegate;
  return typeof delegate === 'function' ? delegate.call(chosen) : chosen;
}
