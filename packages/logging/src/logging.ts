import { privacyRules, type RequestFacts, type SessionFacts, type TransportErrorFacts } from '@mcpscope/core';
import type { Logger } from 'pino';
import { ClientNotifications } from './client-notifications.js';
import { createDefaultLogger } from './default-logger.js';
import { destinationFailureReporter, watchDestinations } from './destination-errors.js';
import { DURATION_FIELD, describeRequest, requestBindings, requestLine, roundMs } from './fields.js';
import { flushLogger } from './flush.js';
import { LoggerScope } from './logger-scope.js';
import { addPrivateFields } from './private-fields.js';
import { defaultLevel } from './request-level.js';
import { attachScope, registerScope } from './request-logger.js';
import { logTransportError } from './transport-errors.js';
import type { LoggingCustomLogLevel, LoggingOptions, LoggingPlugin } from './types.js';
import { customLevelOf, customPropsOf, isIgnored } from './user-hooks.js';

/**
 * Structured pino logs for every MCP request: one line per completed request, session start and end
 * lines, transport errors, and a request-scoped logger for handlers (`getLogger()`).
 */
export function logging<CustomLevels extends string = never>(
  options: LoggingOptions<CustomLevels> = {},
): LoggingPlugin<CustomLevels> {
  const logger = (options.logger as unknown as Logger | undefined) ?? createDefaultLogger(options.level);
  const {
    slowRequestMs = 1000,
    logRequestStart = false,
    logSessions = true,
    ignore,
    customProps,
    clientNotifications = false,
    requestLogger = true,
    flushOnClose = true,
  } = options;
  const customLogLevel = options.customLogLevel as LoggingCustomLogLevel | undefined;
  const rules = privacyRules(options, 'logging');
  const notifications =
    clientNotifications === false
      ? undefined
      : new ClientNotifications(clientNotifications === true ? 'info' : clientNotifications);
  const scope = new LoggerScope(logger, notifications);
  registerScope(scope);

  const onRequestEnd = (request: RequestFacts): void => {
    if (ignore !== undefined && isIgnored(plugin, ignore, request)) return;
    const slow = (request.durationMs ?? 0) >= slowRequestMs;
    const level =
      (customLogLevel === undefined ? undefined : customLevelOf(plugin, customLogLevel, request, logger)) ??
      defaultLevel(request, slow);
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: pino's methods for silent and disabled levels write nothing; the check only saves building the line
    if (level === 'silent' || !logger.isLevelEnabled(level)) return;
    const line = requestLine(request, scope.propsOf(request), slow);
    addPrivateFields(line, request, rules);
    const sessionLogger = scope.sessionLogger(request.session);
    (sessionLogger[level as 'info'] as (object: object, message: string) => void)(
      line,
      describeRequest(request, slow),
    );
  };

  const onRequestStart = (request: RequestFacts): void => {
    notifications?.observe(request);
    if (customProps !== undefined) scope.setProps(request, customPropsOf(plugin, customProps, request));
    if (!logRequestStart || !logger.isLevelEnabled('debug')) return;
    if (ignore !== undefined && isIgnored(plugin, ignore, request)) return;
    scope
      .sessionLogger(request.session)
      .debug(requestBindings(request, scope.propsOf(request)), describeRequest(request, false));
  };

  const sessionHooks = {
    onSessionStart: (session: SessionFacts): void => {
      scope.sessionLogger(session).info('session started');
    },
    onSessionEnd: (session: SessionFacts): void => {
      const durationMs = session.durationMs;
      const line = durationMs === undefined ? {} : { [DURATION_FIELD]: roundMs(durationMs) };
      scope.sessionLogger(session).info(line, 'session ended');
    },
  };

  const plugin: LoggingPlugin<CustomLevels> = {
    name: 'logging',
    requestContext: requestLogger,
    logger: logger as unknown as Logger<CustomLevels>,
    setup: (endpoint) => attachScope(endpoint, scope),
    // Stryker disable next-line ConditionalExpression: with all three off, onRequestStart does nothing; leaving it out only saves a call
    ...(logRequestStart || notifications !== undefined || customProps !== undefined
      ? { onRequestStart }
      : {}),
    onRequestEnd,
    onTransportError: (facts: TransportErrorFacts) =>
      logTransportError(scope.sessionLogger(facts.session), facts),
    ...(logSessions ? sessionHooks : {}),
    close: () => (flushOnClose ? flushLogger(logger) : undefined),
  };
  watchDestinations(logger, destinationFailureReporter(plugin));
  return plugin;
}
