import type { PrivacyOptions, RequestFacts } from '@mcpscope/core';
import type { Scope } from '@sentry/node';

/** How `tools/call` results that carry `isError: true` (the tool reported a failure itself) reach Sentry. */
export type ToolErrorCapture =
  /** Not reported. */
  | 'off'
  /** A message event at level `warning`, one issue per tool. */
  | 'message'
  /** An exception event (`McpToolError`), one issue per tool. */
  | 'exception';

/**
 * Enriches the scope of an event about to be sent for a request (tags, contexts, user, level). Called
 * once per event, only when one is captured, with the scope the event is captured on.
 */
export type BeforeCaptureHook = (scope: Scope, request: RequestFacts) => void;

/**
 * Options of `sentry()`. The privacy options (`recordArguments`, `recordResults`, `maxPayloadLength`,
 * `redact`) are core's, shared with tracing and logging.
 */
export interface SentryOptions extends PrivacyOptions {
  /**
   * What to do with tool results that carry `isError: true` (the tool reported a failure itself).
   * @default 'off'
   */
  readonly toolErrors?: ToolErrorCapture;
  /**
   * Also report the client's mistakes (`request.errorSide === 'client'`: malformed or unknown requests,
   * invalid arguments, unknown tools, flows the client must follow such as URL elicitation, and transport
   * errors the client caused), at level `warning`.
   * @default false
   */
  readonly captureClientErrors?: boolean;
  /**
   * Report transport errors of the server's side (a broken stream, a failing write). Transport errors the
   * client caused (malformed JSON, a request before `initialize`) are reported only with
   * `captureClientErrors`.
   * @default true
   */
  readonly captureTransportErrors?: boolean;
  /**
   * How many of a session's recent MCP requests each event carries as breadcrumbs; 0 turns them off.
   * @default 20
   */
  readonly maxBreadcrumbs?: number;
  /**
   * Group MCP errors by method, tool (or prompt), `error.type` and exception type instead of by stack
   * trace alone. Events that already carry a fingerprint keep it.
   * @default true
   */
  readonly fingerprint?: boolean;
  /**
   * Set the event's user to the verified caller's client id (`request.auth.clientId`), unless the event
   * already names a user. Off by default: the caller's identity is personal data.
   * @default false
   */
  readonly recordUser?: boolean;
  /**
   * `(scope, request) => void`: enrich the scope of an event about to be sent for a request. Called only
   * when an event is captured. A hook that throws is reported once (`MCPSCOPE_SENTRY_HOOK_FAILED`) and
   * the event is sent as if it had returned.
   * @default undefined
   */
  readonly beforeCapture?: BeforeCaptureHook;
  /**
   * Call `Sentry.flush` when an observed endpoint closes, so events captured before close are delivered
   * before a stdio process exits. Core's `closeTimeoutMs` bounds the wait.
   * @default true
   */
  readonly flushOnClose?: boolean;
}
