/**
 * Tools for the privacy table: each takes arguments holding six secrets (under keys core's rule calls
 * secret, in six naming styles) and one plain value. `connect_account` throws an error that echoes the
 * `accessKey` and the region; `issue_credentials` answers with a secret under `sessionToken`, the
 * region, and the `githubToken` echoed into its text.
 *
 * Keep the literal values more than 5 lines away from the `throw`: Sentry's ContextLines integration
 * sends the 5 source lines around each stack frame, and the leak check reads the raw envelopes.
 */
import type { ExampleServer, SdkVersion } from '@mcpscope/test-kit';
import { z } from 'zod';

/** The secret argument values, by key. */
export const SECRET_ARGUMENTS = {
  githubToken: 'ghp_privacyCanary0001',
  'x-api-key': 'xak-privacy-canary-0002',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.privacy-canary-0003.sig',
  accessKey: 'AKIAPRIVACYCANARY0004',
  userPassword: 'hunter2-privacy-canary-0005',
  authorization: 'Bearer privacy-canary-0006',
} as const;

/** The one non-secret argument value. */
export const REGION = 'region-visible-7f3a';

/** The secret in `issue_credentials`' result (under `sessionToken`). */
export const RESULT_SECRET = 'session-privacy-canary-0008';

export const ARGUMENTS = { ...SECRET_ARGUMENTS, region: REGION };

export type PrivacyArguments = Record<keyof typeof ARGUMENTS, string>;

/** What `connect_account` throws for these arguments. */
export const thrownMessage = (args: PrivacyArguments): string =>
  `upstream refused accessKey ${args.accessKey} in ${args.region}`;

/** What `issue_credentials` answers for these arguments. */
export const issuedResult = (args: PrivacyArguments) => ({
  content: [{ type: 'text' as const, text: `issued in ${args.region} for ${args.githubToken}` }],
  structuredContent: { sessionToken: RESULT_SECRET, region: args.region },
});

interface Registry {
  registerTool(name: string, config: object, handler: (args: PrivacyArguments) => Promise<unknown>): unknown;
}

export function addPrivacyTools(server: ExampleServer, sdk: SdkVersion): ExampleServer {
  const registry = server as unknown as Registry;
  const shape = Object.fromEntries(Object.keys(ARGUMENTS).map((key) => [key, z.string()]));
  const inputSchema = sdk === 'v1' ? shape : z.object(shape);
  registry.registerTool('connect_account', { description: 'Throws', inputSchema }, async (args) => {
    throw new Error(thrownMessage(args));
  });
  registry.registerTool('issue_credentials', { description: 'Issues', inputSchema }, async (args) =>
    issuedResult(args),
  );
  return server;
}
