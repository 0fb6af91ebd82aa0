/**
 * The bridge to MCP logging: lines written through a request's logger are also sent to that request's
 * client as `notifications/message`, at or above the level the client asked for. Deprecated by the
 * 2026-07-28 protocol revision (SEP-2577), where a request asks with `_meta["io.modelcontextprotocol/logLevel"]`.
 */
import { format } from 'node:util';
import type { RequestFacts } from '@mcpscope/core';
import type { Logger } from 'pino';
import type { McpLoggingLevel } from './types.js';

const SEVERITIES: readonly string[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] satisfies McpLoggingLevel[];

const MCP_LEVEL_OF_PINO_LEVEL = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  error: 'error',
  fatal: 'critical',
} as const satisfies Record<string, McpLoggingLevel>;

type PinoLevel = keyof typeof MCP_LEVEL_OF_PINO_LEVEL;
type LogMethod = (this: Logger, ...args: unknown[]) => void;

const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';
const MODERN_PROTOCOL_VERSION = '2026-07-28';
/** The level a client asked for with `logging/setLevel`, kept on its connection. */
const CLIENT_LEVEL = Symbol('mcpscope.logging.clientLevel');

interface NotifyingProtocol {
  notification(
    notification: { method: string; params: Record<string, unknown> },
    options: { relatedRequestId: string | number },
  ): Promise<void>;
}

function severityOf(level: unknown): number {
  return typeof level === 'string' ? SEVERITIES.indexOf(level) : -1;
}

/** The SDK object that sends notifications: `McpServer.server` or the `Server` itself (SDK v1 and v2). */
function protocolOf(instance: object): NotifyingProtocol | undefined {
  const inner = (instance as { server?: unknown }).server;
  const candidate = typeof inner === 'object' && inner !== null ? inner : instance;
  return typeof (candidate as Partial<NotifyingProtocol>).notification === 'function'
    ? (candidate as NotifyingProtocol)
    : undefined;
}

function messageOf(rest: readonly unknown[]): string | undefined {
  if (typeof rest[0] !== 'string') return undefined;
  return rest.length === 1 ? rest[0] : format(...rest);
}

/** The notification's `data` from pino's call forms: `(msg, ...args)`, `(object, msg?)`, `(error, msg?)`. */
function dataOf(args: readonly unknown[]): unknown {
  const [first, ...rest] = args;
  if (typeof first === 'string') return rest.length === 0 ? first : format(first, ...rest);
  if (first instanceof Error) {
    return { message: messageOf(rest) ?? first.message, error: { type: first.name, message: first.message } };
  }
  if (typeof first === 'object' && first !== null) {
    const message = messageOf(rest);
    return message === undefined ? first : { message, ...first };
  }
  return first === undefined ? '' : String(first);
}

export class ClientNotifications {
  private readonly defaultSeverity: number;

  constructor(defaultLevel: McpLoggingLevel) {
    this.defaultSeverity = severityOf(defaultLevel);
  }

  /** Remembers the level asked for by `logging/setLevel` (seen at start: the answer comes after). */
  observe(request: RequestFacts): void {
    if (request.method !== 'logging/setLevel') return;
    const level = request.params?.level;
    if (severityOf(level) >= 0) request.session[CLIENT_LEVEL] = level;
  }

  /** The lowest severity sent for this request; Infinity when the client asked for nothing (2026-07-28). */
  private threshold(request: RequestFacts): number {
    const asked = severityOf(request.meta?.[LOG_LEVEL_META_KEY]);
    if (asked >= 0) return asked;
    const version = request.session.protocolVersion;
    if (version !== undefined && version >= MODERN_PROTOCOL_VERSION) return Number.POSITIVE_INFINITY;
    const sessionLevel = severityOf(request.session[CLIENT_LEVEL]);
    return sessionLevel >= 0 ? sessionLevel : this.defaultSeverity;
  }

  private send(request: RequestFacts, level: McpLoggingLevel, args: readonly unknown[]): void {
    try {
      if (severityOf(level) < this.threshold(request)) return;
      const protocol = protocolOf(request.session.endpoint.instance);
      if (protocol === undefined) return;
      const notification = { method: 'notifications/message', params: { level, data: dataOf(args) } };
      protocol.notification(notification, { relatedRequestId: request.id }).catch(() => undefined);
    } catch {
      // The client not hearing a line must never break the handler that wrote it.
    }
  }

  /** Makes a request logger also send its lines to the request's client. */
  attach(logger: Logger, request: RequestFacts): void {
    const methods = logger as unknown as Record<PinoLevel, LogMethod>;
    const bridge = this;
    for (const pinoLevel of Object.keys(MCP_LEVEL_OF_PINO_LEVEL) as PinoLevel[]) {
      const original = methods[pinoLevel];
      const level = MCP_LEVEL_OF_PINO_LEVEL[pinoLevel];
      methods[pinoLevel] = function (this: Logger, ...args: unknown[]) {
        bridge.send(request, level, args);
        original.apply(this, args);
      };
    }
  }
}
