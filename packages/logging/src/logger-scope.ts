/**
 * The loggers of one `logging()` plugin: its base logger, a cached child per connection (session
 * bindings serialized once), and a child per request for handlers, made on first use.
 */
import type { RequestFacts, SessionFacts } from '@mcpscope/core';
import type { Logger } from 'pino';
import type { ClientNotifications } from './client-notifications.js';
import { requestBindings, sessionBindings } from './fields.js';
import type { SharedScope } from './shared-state.js';

interface CachedSessionLogger {
  readonly logger: Logger;
  /** What the bindings were made from: connection facts settle during `initialize`. */
  readonly sessionId: string | undefined;
  readonly protocolVersion: string | undefined;
  readonly clientName: string | undefined;
  readonly clientVersion: string | undefined;
  readonly levelValue: number;
}

export class LoggerScope implements SharedScope {
  private readonly sessionSlot = Symbol('mcpscope.logging.sessionLogger');
  private readonly requestSlot = Symbol('mcpscope.logging.requestLogger');
  private readonly propsSlot = Symbol('mcpscope.logging.customProps');

  constructor(
    readonly base: Logger,
    private readonly notifications: ClientNotifications | undefined,
  ) {}

  /** The connection's child logger, rebuilt if its facts or the base level changed since. */
  sessionLogger(session: SessionFacts): Logger {
    const cached = session[this.sessionSlot] as CachedSessionLogger | undefined;
    const sessionId = session.id;
    const { protocolVersion, clientName, clientVersion } = session;
    const levelValue = this.base.levelVal;
    if (
      cached !== undefined &&
      cached.sessionId === sessionId &&
      cached.protocolVersion === protocolVersion &&
      cached.clientName === clientName &&
      cached.clientVersion === clientVersion &&
      cached.levelValue === levelValue
    ) {
      return cached.logger;
    }
    const logger = this.base.child(sessionBindings(session));
    const entry: CachedSessionLogger = {
      logger,
      sessionId,
      protocolVersion,
      clientName,
      clientVersion,
      levelValue,
    };
    session[this.sessionSlot] = entry;
    return logger;
  }

  /** Keeps the request's `customProps`, computed once when it started. */
  setProps(request: RequestFacts, props: Record<string, unknown> | undefined): void {
    if (props !== undefined) request[this.propsSlot] = props;
  }

  propsOf(request: RequestFacts): Record<string, unknown> | undefined {
    return request[this.propsSlot] as Record<string, unknown> | undefined;
  }

  /** The request's child logger (for handlers), made on first use and kept on the request. */
  requestLogger(request: RequestFacts): Logger {
    const existing = request[this.requestSlot];
    if (existing !== undefined) return existing as Logger;
    const logger = this.sessionLogger(request.session).child(requestBindings(request, this.propsOf(request)));
    this.notifications?.attach(logger, request);
    request[this.requestSlot] = logger;
    return logger;
  }
}
