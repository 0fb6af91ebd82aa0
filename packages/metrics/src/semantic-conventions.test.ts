/**
 * Names: core's ATTRIBUTES hold the stable attribute names @opentelemetry/semantic-conventions exports,
 * the OpenTelemetry backend records those constants, the instruments are the conventions' metric names,
 * and every Prometheus label is the attribute's Prometheus form.
 */
import { ATTRIBUTES, metricLabelOf } from '@mcpscope/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import {
  METRIC_MCP_CLIENT_OPERATION_DURATION,
  METRIC_MCP_SERVER_OPERATION_DURATION,
  METRIC_MCP_SERVER_SESSION_DURATION,
} from '@opentelemetry/semantic-conventions/incubating';
import { expect, it } from 'vitest';
import { DIMENSIONS, labelOf, OWN_LABELS } from './dimensions.js';
import { INSTRUMENT_NAMES, METRIC_NAMES } from './names.js';
import { ATTRIBUTE_NAMES } from './open-telemetry-backend.js';

it('core’s stable ATTRIBUTES are @opentelemetry/semantic-conventions’ constants', () => {
  expect([
    ATTRIBUTES.errorType,
    ATTRIBUTES.networkTransport,
    ATTRIBUTES.networkProtocolName,
    ATTRIBUTES.networkProtocolVersion,
    ATTRIBUTES.serverAddress,
    ATTRIBUTES.serverPort,
  ]).toEqual([
    ATTR_ERROR_TYPE,
    ATTR_NETWORK_TRANSPORT,
    ATTR_NETWORK_PROTOCOL_NAME,
    ATTR_NETWORK_PROTOCOL_VERSION,
    ATTR_SERVER_ADDRESS,
    ATTR_SERVER_PORT,
  ]);
});

it('the OpenTelemetry backend records the same attribute names as core’s vocabulary', () => {
  expect(ATTRIBUTE_NAMES).toEqual(DIMENSIONS);
});

it('the instruments are the conventions’ metric names, and their Prometheus form the families’ names', () => {
  expect([
    INSTRUMENT_NAMES.operationDuration,
    INSTRUMENT_NAMES.sessionDuration,
    INSTRUMENT_NAMES.clientOperationDuration,
  ]).toEqual([
    METRIC_MCP_SERVER_OPERATION_DURATION,
    METRIC_MCP_SERVER_SESSION_DURATION,
    METRIC_MCP_CLIENT_OPERATION_DURATION,
  ]);
  expect(METRIC_NAMES.operationDuration).toBe(
    `${metricLabelOf(METRIC_MCP_SERVER_OPERATION_DURATION)}_seconds`,
  );
});

it('every Prometheus label is metricLabelOf(attribute)', () => {
  expect(
    Object.fromEntries(Object.keys(DIMENSIONS).map((key) => [key, labelOf(key as keyof typeof DIMENSIONS)])),
  ).toEqual({
    method: 'mcp_method_name',
    tool: 'gen_ai_tool_name',
    prompt: 'gen_ai_prompt_name',
    operationName: 'gen_ai_operation_name',
    errorType: 'error_type',
    rpcResponseStatusCode: 'rpc_response_status_code',
    errorSide: 'mcp_error_side',
    outcome: 'mcp_request_outcome',
    toolErrorReason: 'mcp_tool_error_reason',
    protocolVersion: 'mcp_protocol_version',
    networkTransport: 'network_transport',
    networkProtocolName: 'network_protocol_name',
    refusalPlugin: 'mcp_refusal_plugin',
    refusalReason: 'mcp_refusal_reason',
    refusalScope: 'mcp_refusal_scope',
    notificationDirection: 'mcp_notification_direction',
  });
  expect(OWN_LABELS.size).toBe(16);
});
