export {
  createExampleServer,
  type ExampleServer,
  type ExampleServerOptions,
  HandlerCalls,
  PROMPT_FAILURE_MESSAGE,
  RESOURCE_FAILURE_MESSAGE,
  SDK_VERSIONS,
  type SdkVersion,
  TOOL_FAILURE_MESSAGE,
} from './example-server.js';
export {
  connectHttp,
  type HttpMode,
  type HttpServerOptions,
  type RunningHttpServer,
  startHttpServer,
} from './http.js';
export { connectInMemory, connectInMemoryPair, connectRaw, type RawConnection } from './in-memory.js';
export {
  freePort,
  promtoolCheckMetrics,
  type RunningPrometheus,
  requireBinary,
  SKIP_PROMETHEUS,
  startPrometheus,
  type VectorSample,
} from './prometheus.js';
export {
  exceptionOf,
  parseSentryEnvelope,
  refusedSentryDsn,
  type SentryBreadcrumb,
  type SentryEnvelope,
  type SentryEnvelopeCounts,
  type SentryEnvelopeItem,
  type SentryEvent,
  type SentryExceptionValue,
  type SentryReceiver,
  type SentryReceiverOptions,
  type SentryStackFrame,
  startSentryReceiver,
} from './sentry-receiver.js';
export { captureStderr, type StderrCapture } from './stderr.js';
export { type StdioChild, spawnStdioServer } from './stdio.js';
export { type CallOptions, type ClientIdentity, connectClient, type TestClient } from './test-client.js';
export { delay, waitFor } from './wait.js';
