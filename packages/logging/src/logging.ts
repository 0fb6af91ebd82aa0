import type { RequestFacts, SessionFacts } from '@mcpscope/core';
import { ClientNotifications } from './client-notifications.js';
import { createDefaultLogger } from './default-logger.js';
import { watchDestinations } from './destination-errors.js';
import { describeRequest, requestLevel, requestLine, roundMs } from './fields.js';
import { flushLogger } from './flush.js';
import { LoggerScope } from './logger-scope.js';
import { capString, collectStrings, compileRedaction, redactValue, scrubText } from './redact.js';
import { attachScope, registerScope } from './request-logger.js';
import { serializeError } from './serialize-error.js';
import { activeTraceFields } from './trace-context.js';
import type { LoggingOptions, LoggingPlugin } from './types.js';

function argumentsOf(request: RequestFacts): unknown {
  const { method } = request;
  return method === 'tools/call' || method === 'prompts/get' ? request.params?.arguments : undefined;
}

/**
 * Structured pino logs for every MCP request: one line per completed request, session start and end
 * lines, and a request-scoped logger for handlers (`getLogger()`).
 */
export function logging(options: LoggingOptions = {}): LoggingPlugin {
  const {
    logger = createDefaultLogger(options.level),
    slowRequestMs = 1000,
    logRequestStart = false,
    logSessions = true,
    logArguments = false,
    logResults = false,
    redact = [],
    maxValueLength = 1024,
    ignore,
    clientNotifications = false,
    requestLogger = true,
  } = options;
  watchDestinations(logger);
  const rules = compileRedaction(redact, maxValueLength);
  const notifications =
    clientNotifications === false
      ? undefined
      : new ClientNotifications(clientNotifications === true ? 'info' : clientNotifications);
  const scope = new LoggerScope(logger, maxValueLength, notifications);
  registerScope(scope);

  const onRequestEnd = (request: RequestFacts): void => {
    if (ignore?.(request) === true) return;
    const slow = (request.durationMs ?? 0) >= slowRequestMs;
    const level = requestLevel(request, slow);
    if (!logger.isLevelEnabled(level)) return;
    const line = requestLine(request, activeTraceFields(), maxValueLength);
    if (slow) line['mcp.request.slow'] = true;
    const isToolCall = request.method === 'tools/call';
    const showResult = logResults && isToolCall && request.result !== undefined;
    // Strings no line may show: all arguments when they are private, else the redacted ones. Error
    // messages and results (which often echo arguments) are scrubbed of them.
    const hidden: string[] | undefined =
      showResult || request.errorMessage !== undefined || request.error !== undefined ? [] : undefined;
    if (logArguments && isToolCall) {
      line['gen_ai.tool.call.arguments'] = redactValue(argumentsOf(request), rules, hidden);
    } else if (hidden !== undefined) {
      collectStrings(argumentsOf(request), hidden);
    }
    if (hidden !== undefined) {
      hidden.sort((left, right) => right.length - left.length);
      if (showResult) line['gen_ai.tool.call.result'] = redactValue(request.result, rules, undefined, hidden);
      if (request.errorMessage !== undefined) {
        line['error.message'] = capString(scrubText(request.errorMessage, hidden), maxValueLength);
      }
      if (request.error !== undefined && level === 'error') {
        line.err = serializeError(request.error, hidden, maxValueLength);
      }
    }
    scope.sessionLogger(request.session)[level](line, describeRequest(request, slow, maxValueLength));
  };

  const onRequestStart = (request: RequestFacts): void => {
    notifications?.observe(request);
    if (!logRequestStart || !logger.isLevelEnabled('debug') || ignore?.(request) === true) return;
    const line = requestLine(request, activeTraceFields(), maxValueLength);
    scope.sessionLogger(request.session).debug(line, describeRequest(request, false, maxValueLength));
  };

  const sessionHooks = {
    onSessionStart: (session: SessionFacts): void => {
      scope.sessionLogger(session).info('session started');
    },
    onSessionEnd: (session: SessionFacts): void => {
      const durationMs = session.durationMs;
      const line = durationMs === undefined ? {} : { duration_ms: roundMs(durationMs) };
      scope.sessionLogger(session).info(line, 'session ended');
    },
  };

  return {
    name: 'logging',
    requestContext: requestLogger,
    logger,
    setup: (server) => attachScope(server, scope),
    ...(logRequestStart || notifications !== undefined ? { onRequestStart } : {}),
    onRequestEnd,
    ...(logSessions ? sessionHooks : {}),
    close: () => flushLogger(logger),
  };
}
