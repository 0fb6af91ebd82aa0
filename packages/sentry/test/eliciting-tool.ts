/** A tool that asks the client for URL elicitation (-32042): a flow the client must follow, not a failure. */
import type { ExampleServer, SdkVersion } from '@mcpscope/test-kit';
import { UrlElicitationRequiredError as V1UrlElicitationRequired } from '@modelcontextprotocol/sdk/types.js';
import { UrlElicitationRequiredError as V2UrlElicitationRequired } from '@modelcontextprotocol/server';

const elicitation = {
  mode: 'url' as const,
  elicitationId: 'auth-1',
  url: 'https://example.com/authorize',
  message: 'Authorize access first',
};

interface ToolRegistry {
  registerTool(name: string, config: { description: string }, handler: () => Promise<never>): unknown;
}

export function addElicitingTool(server: ExampleServer, sdk: SdkVersion): void {
  (server as unknown as ToolRegistry).registerTool(
    'needs_authorization',
    { description: 'Asks for URL elicitation' },
    async () => {
      throw sdk === 'v1'
        ? new V1UrlElicitationRequired([elicitation])
        : new V2UrlElicitationRequired([elicitation]);
    },
  );
}
