/**
 * The names spans carry are core's `ATTRIBUTES`. The stable ones must equal the constants of
 * @opentelemetry/semantic-conventions; the MCP ones (incubating) the convention's text, as the fixture
 * recorded it from the version it names.
 */
import { ATTRIBUTES, EXECUTE_TOOL_OPERATION, OUTCOMES } from '@mcpscope/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  NETWORK_TRANSPORT_VALUE_PIPE,
  NETWORK_TRANSPORT_VALUE_TCP,
} from '@opentelemetry/semantic-conventions';
import { describe, expect, it } from 'vitest';
import conventions from '../test/fixtures/semantic-conventions.json' with { type: 'json' };

describe('attribute names', () => {
  it('stable ones: core’s ATTRIBUTES are @opentelemetry/semantic-conventions’ constants', () => {
    expect({
      errorType: ATTRIBUTES.errorType,
      networkTransport: ATTRIBUTES.networkTransport,
      networkProtocolName: ATTRIBUTES.networkProtocolName,
      networkProtocolVersion: ATTRIBUTES.networkProtocolVersion,
      serverAddress: ATTRIBUTES.serverAddress,
      serverPort: ATTRIBUTES.serverPort,
    }).toEqual({
      errorType: ATTR_ERROR_TYPE,
      networkTransport: ATTR_NETWORK_TRANSPORT,
      networkProtocolName: ATTR_NETWORK_PROTOCOL_NAME,
      networkProtocolVersion: ATTR_NETWORK_PROTOCOL_VERSION,
      serverAddress: ATTR_SERVER_ADDRESS,
      serverPort: ATTR_SERVER_PORT,
    });
    expect(conventions.networkTransport).toEqual({
      stdio: NETWORK_TRANSPORT_VALUE_PIPE,
      http: NETWORK_TRANSPORT_VALUE_TCP,
    });
  });

  it('MCP ones: core’s ATTRIBUTES are the names the convention’s text gives', () => {
    const pinned = Object.fromEntries(
      Object.entries(conventions.attributes).map(([key, { name }]) => [key, name]),
    );
    const core = Object.fromEntries(
      Object.keys(pinned).map((key) => [key, ATTRIBUTES[key as keyof typeof ATTRIBUTES]]),
    );
    expect(core).toEqual(pinned);
    expect(Object.keys(pinned)).toHaveLength(12);
    expect(EXECUTE_TOOL_OPERATION).toBe(conventions.operationNameForToolCalls);
    // `error.type` of an `isError` tool result is the outcome's name.
    expect(OUTCOMES).toContain(conventions.toolErrorType);
  });
});
