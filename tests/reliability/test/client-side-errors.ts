/**
 * Handlers that fail with a JSON-RPC code of the client's side, as each SDK lets them: a tool throwing
 * the SDK's `UrlElicitationRequiredError` (-32042; both SDKs rethrow it from tools/call, every other
 * error a tool throws becomes an `isError` result), and prompts throwing the SDK's error class with
 * -32020 (header mismatch), -32021 (missing required client capability) or -32022 (unsupported
 * protocol version): prompts/get passes a handler's error code through on both SDKs.
 */
import type { ExampleServer, SdkVersion } from '@mcpscope/test-kit';
import {
  McpError,
  UrlElicitationRequiredError as V1UrlElicitationRequired,
} from '@modelcontextprotocol/sdk/types.js';
import {
  ProtocolError,
  UrlElicitationRequiredError as V2UrlElicitationRequired,
} from '@modelcontextprotocol/server';

export const ELICITATION = {
  mode: 'url' as const,
  elicitationId: 'connect-github-1',
  url: 'https://example.com/connect/github',
  message: 'Connect your GitHub account first',
};

/** The prompts and the code each one's handler throws. */
export const CODED_PROMPTS = [
  { name: 'header_mismatch', code: -32020 },
  { name: 'needs_capability', code: -32021 },
  { name: 'old_protocol', code: -32022 },
] as const;

interface Registry {
  registerTool(name: string, config: object, handler: () => Promise<never>): unknown;
  registerPrompt(name: string, config: object, handler: () => never): unknown;
}

export function addClientSideErrors(server: ExampleServer, sdk: SdkVersion): ExampleServer {
  const registry = server as unknown as Registry;
  registry.registerTool('connect_github', { description: 'Needs a URL elicitation' }, async () => {
    throw sdk === 'v1'
      ? new V1UrlElicitationRequired([ELICITATION])
      : new V2UrlElicitationRequired([ELICITATION]);
  });
  for (const { name, code } of CODED_PROMPTS) {
    registry.registerPrompt(name, { description: `Fails with ${code}` }, () => {
      throw sdk === 'v1' ? new McpError(code, `${name} refused`) : new ProtocolError(code, `${name} refused`);
    });
  }
  return server;
}
