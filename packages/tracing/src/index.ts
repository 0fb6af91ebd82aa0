export { instrumentClient } from './instrument-client.js';
export { REDACTED } from './tool-payload.js';
export { requestSpan, tracing } from './tracing.js';
export type {
  ClientTracingOptions,
  RedactToolPayload,
  SentryCoexistence,
  ToolPayload,
  TracingOptions,
  TracingSharedOptions,
} from './types.js';
