export { TRACING_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
export { requestSpan } from './request-slots.js';
export { tracing } from './tracing.js';
export type {
  SentryCoexistence,
  TracingIgnore,
  TracingOptions,
  TracingSpanHook,
} from './types.js';
