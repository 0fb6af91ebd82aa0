export { LOGGING_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
export { logging } from './logging.js';
export { getLogger } from './request-logger.js';
export type {
  LoggingCustomLogLevel,
  LoggingCustomProps,
  LoggingIgnore,
  LoggingOptions,
  LoggingPlugin,
  McpLoggingLevel,
} from './types.js';
