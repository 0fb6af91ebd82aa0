export {
  DRAINING_ERROR_CODE,
  DRAINING_MESSAGE,
  OVERLOADED_ERROR_CODE,
  OVERLOADED_MESSAGE,
} from './error-codes.js';
export { health } from './health.js';
export type {
  CheckContext,
  CheckDefinition,
  CheckFunction,
  CheckKind,
  CheckReport,
  CheckResult,
  CheckReturn,
  CheckStatus,
  HealthOptions,
  HealthPlugin,
  HealthReport,
  LoadSheddingOptions,
  ShutdownOptions,
  ShutdownResult,
  ShutdownTrigger,
  Thresholds,
} from './types.js';
