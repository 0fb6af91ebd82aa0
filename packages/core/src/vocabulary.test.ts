import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { ProtocolErrorCode } from '@modelcontextprotocol/server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ATTRIBUTES,
  boundedMethod,
  CLIENT_ERROR_CODE_LIST,
  ERROR_CODES,
  isClientErrorCode,
  metricLabelOf,
  OUTCOMES,
  type Outcome,
  TOOL_ERROR_REASONS,
  type ToolErrorReason,
  targetAttributeOf,
  toolErrorSide,
  transportErrorSide,
} from './index.js';

describe('the error-code table', () => {
  const sdkCodes = (enumeration: Record<string, string | number>) =>
    Object.entries(enumeration).filter((entry): entry is [string, number] => typeof entry[1] === 'number');

  it.each([
    ['SDK v1 ErrorCode', ErrorCode as unknown as Record<string, string | number>],
    ['SDK v2 ProtocolErrorCode', ProtocolErrorCode as unknown as Record<string, string | number>],
  ])('holds every code of %s, under the SDK’s name', (_, enumeration) => {
    const codes = sdkCodes(enumeration);
    expect(codes.length).toBeGreaterThanOrEqual(8);
    for (const [name, code] of codes) {
      expect(ERROR_CODES.find((entry) => entry.code === code)?.name, `${name} (${code})`).toBe(name);
    }
  });

  it('gives the client the codes of its own mistakes and of the flows it must follow', () => {
    expect([...CLIENT_ERROR_CODE_LIST].sort((a, b) => a - b)).toEqual([
      -32700, -32602, -32601, -32600, -32042, -32029, -32022, -32021, -32020, -32002,
    ]);
    expect(isClientErrorCode(-32042)).toBe(true);
    expect(isClientErrorCode(-32603)).toBe(false);
    expect(isClientErrorCode(-32000)).toBe(false);
    expect(isClientErrorCode(-32050)).toBe(false);
    expect(isClientErrorCode(12345)).toBe(false);
  });

  it('lists each code once', () => {
    const codes = ERROR_CODES.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('outcomes and reasons', () => {
  it('derives the types from the const arrays', () => {
    expectTypeOf<Outcome>().toEqualTypeOf<(typeof OUTCOMES)[number]>();
    expectTypeOf<ToolErrorReason>().toEqualTypeOf<(typeof TOOL_ERROR_REASONS)[number]>();
    expect(OUTCOMES).toEqual(['ok', 'tool_error', 'error', 'cancelled', 'closed']);
  });

  it('says whose business each tool-error reason is', () => {
    expect(Object.fromEntries(TOOL_ERROR_REASONS.map((reason) => [reason, toolErrorSide(reason)]))).toEqual({
      handler_threw: 'server',
      handler_returned_error: 'tool',
      invalid_arguments: 'client',
      unknown_tool: 'client',
      invalid_output: 'server',
    });
  });
});

describe('names', () => {
  it('derives metric labels the way OpenTelemetry’s Prometheus exporters do', () => {
    expect(metricLabelOf(ATTRIBUTES.methodName)).toBe('mcp_method_name');
    expect(metricLabelOf(ATTRIBUTES.errorType)).toBe('error_type');
    expect(metricLabelOf(ATTRIBUTES.toolName)).toBe('gen_ai_tool_name');
    expect(metricLabelOf(ATTRIBUTES.rpcResponseStatusCode)).toBe('rpc_response_status_code');
    expect(metricLabelOf('a-b/c')).toBe('a_b_c');
  });

  it('maps each target to its attribute, and only those methods', () => {
    expect(targetAttributeOf('tools/call')).toBe('gen_ai.tool.name');
    expect(targetAttributeOf('prompts/get')).toBe('gen_ai.prompt.name');
    expect(targetAttributeOf('resources/read')).toBe('mcp.resource.uri');
    expect(targetAttributeOf('resources/subscribe')).toBe('mcp.resource.uri');
    expect(targetAttributeOf('tools/list')).toBeUndefined();
  });

  it('never lets a client choose a method name value', () => {
    expect(boundedMethod('tools/call')).toBe('tools/call');
    expect(boundedMethod('tools/call\n{evil}')).toBe('_OTHER');
  });

  it('names every attribute once', () => {
    const names = Object.values(ATTRIBUTES);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('transport errors', () => {
  it.each([
    [new SyntaxError('Unexpected token } in JSON'), 'client'],
    [new Error('Parse error: Invalid JSON'), 'client'],
    [new Error('Bad Request: Server not initialized'), 'client'],
    [new Error('Not Acceptable: Client must accept both application/json and text/event-stream'), 'client'],
    [new Error('Unsupported Media Type: Content-Type must be application/json'), 'client'],
    [new Error('Bad Request: Mcp-Session-Id header is required'), 'client'],
    [new Error('write EPIPE'), 'server'],
    [new Error('Failed to send response'), 'server'],
    ['not an error', 'server'],
  ])('%s belongs to the %s', (error, side) => {
    expect(transportErrorSide(error)).toBe(side);
  });
});
