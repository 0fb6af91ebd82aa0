export { SECRET_KEY_PATTERN } from './arguments.js';
export { JsonRpcError, McpToolError } from './errors.js';
export { MECHANISM_TYPE, sentry } from './sentry-plugin.js';
export type { SentryPluginOptions, ToolErrorCapture } from './types.js';
