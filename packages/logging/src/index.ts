export { logging } from './logging.js';
export { getLogger } from './request-logger.js';
export type { LoggingOptions, LoggingPlugin, McpLoggingLevel } from './types.js';
