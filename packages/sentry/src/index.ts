export { SENTRY_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
export { JsonRpcError, McpToolError } from './errors.js';
export { MECHANISM_TYPE, sentry } from './sentry-plugin.js';
export type { BeforeCaptureHook, SentryOptions, ToolErrorCapture } from './types.js';
