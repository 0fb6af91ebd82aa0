export { HEALTH_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
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
  HealthPaths,
  HealthPlugin,
  HealthReport,
  LoadSheddingOptions,
  ShutdownOptions,
  ShutdownResult,
  ShutdownTrigger,
  Thresholds,
} from './types.js';
