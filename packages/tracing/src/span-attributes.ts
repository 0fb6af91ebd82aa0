/**
 * The attributes a span starts with (given once to `startSpan`, so samplers see them) and the ones
 * its end adds. Names are core's `ATTRIBUTES`; the stable ones come from @opentelemetry/semantic-conventions
 * (a test pins both against each other).
 */
import {
  ATTRIBUTES,
  EXECUTE_TOOL_OPERATION,
  type NotificationFacts,
  type RequestFacts,
  type SessionFacts,
  targetAttributeOf,
} from '@mcpscope/core';
import type { Attributes, Span } from '@opentelemetry/api';
import {
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { capTarget } from './span-names.js';

function addSessionAttributes(attributes: Attributes, session: SessionFacts, outbound: boolean): void {
  const { id, protocolVersion, networkTransport, networkProtocolName } = session;
  if (id !== undefined) attributes[ATTRIBUTES.sessionId] = id;
  if (protocolVersion !== undefined) attributes[ATTRIBUTES.protocolVersion] = protocolVersion;
  if (networkTransport !== undefined) attributes[ATTR_NETWORK_TRANSPORT] = networkTransport;
  if (networkProtocolName !== undefined) attributes[ATTR_NETWORK_PROTOCOL_NAME] = networkProtocolName;
  // `server.address` is the peer a CLIENT span calls; an observed client knows it from its transport.
  if (outbound && session.serverAddress !== undefined) {
    attributes[ATTR_SERVER_ADDRESS] = session.serverAddress;
    if (session.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = session.serverPort;
  }
}

/** What a request's span starts with, inbound or outbound. */
export function requestAttributes(request: RequestFacts): Attributes {
  const { method, target } = request;
  const attributes: Attributes = {};
  attributes[ATTRIBUTES.methodName] = method;
  attributes[ATTRIBUTES.jsonrpcRequestId] = typeof request.id === 'string' ? request.id : String(request.id);
  if (target !== undefined) {
    const key = targetAttributeOf(method);
    if (key === ATTRIBUTES.toolName) {
      attributes[ATTRIBUTES.operationName] = EXECUTE_TOOL_OPERATION;
      attributes[key] = capTarget(target);
    } else if (key === ATTRIBUTES.promptName) attributes[key] = capTarget(target);
    else if (key === ATTRIBUTES.resourceUri) attributes[key] = target;
  } else if (method === 'tools/call') {
    attributes[ATTRIBUTES.operationName] = EXECUTE_TOOL_OPERATION;
  }
  addSessionAttributes(attributes, request.session, request.direction === 'outbound');
  return attributes;
}

/** What a notification span starts with. */
export function notificationAttributes(notification: NotificationFacts): Attributes {
  const attributes: Attributes = {};
  attributes[ATTRIBUTES.methodName] = notification.method;
  addSessionAttributes(attributes, notification.session, false);
  return attributes;
}

/** Facts known only at the end: the negotiated version (initialize) and a refusal. */
export function addEndAttributes(span: Span, request: RequestFacts): void {
  if (request.method === 'initialize') {
    const result = request.result as { protocolVersion?: unknown } | undefined;
    // A client's session learns the version after its initialize ends; the answer carries it.
    const version = request.session.protocolVersion ?? result?.protocolVersion;
    if (typeof version === 'string') span.setAttribute(ATTRIBUTES.protocolVersion, version);
  }
  const { refusal } = request;
  if (refusal !== undefined) {
    span.setAttribute(ATTRIBUTES.refusalReason, refusal.reason);
    span.setAttribute(ATTRIBUTES.refusalPlugin, refusal.plugin);
    if (refusal.scope !== undefined) span.setAttribute(ATTRIBUTES.refusalScope, refusal.scope);
  }
}
