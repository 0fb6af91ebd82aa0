/**
 * Tools that carry secrets the way real ones do: a login tool that echoes its password into the error it
 * throws, a vault that returns a secret (as a result and as an `isError` result), a prompt that throws
 * with its argument. Registered without input schemas (both SDKs accept that) plus a v1/v2 schema where
 * arguments must be validated.
 */
import type { ExampleServer, SdkVersion } from '@mcpscope/test-kit';
import { z } from 'zod';

export const CANARY = {
  argument: 'canary-argument-6b1f2c9e4d',
  errorArgument: 'canary-password-91d7a3e05c',
  result: 'canary-result-3e8a5f7b21',
  errorResult: 'canary-error-result-c4d2e6f801',
  environment: 'canary-environment-7a0b9c3d5e',
  promptArgument: 'canary-prompt-argument-5f2e1d0c9b',
} as const;

type Text = { content: { type: 'text'; text: string }[]; isError?: boolean };

interface Registry {
  registerTool(
    name: string,
    config: object,
    handler: (args: Record<string, string>) => Promise<Text>,
  ): unknown;
  registerPrompt(name: string, config: object, handler: (args: Record<string, string>) => unknown): unknown;
}

const text = (value: string): Text => ({ content: [{ type: 'text', text: value }] });

export function addSecretTools(server: ExampleServer, sdk: SdkVersion): ExampleServer {
  const registry = server as unknown as Registry;
  const shape = { user: z.string(), password: z.string() };
  registry.registerTool(
    'login',
    { description: 'Logs in', inputSchema: sdk === 'v1' ? shape : z.object(shape) },
    async ({ user, password }) => {
      throw new Error(`login failed for ${user} with password ${password}`);
    },
  );
  registry.registerTool('vault', { description: 'Reads the vault' }, async () =>
    text(`the key is ${CANARY.result}`),
  );
  registry.registerTool('vault_locked', { description: 'Refuses' }, async () => ({
    ...text(`locked, key ${CANARY.errorResult}`),
    isError: true,
  }));
  const promptShape = { topic: z.string() };
  registry.registerPrompt(
    'secret_prompt',
    {
      description: 'Throws with its argument',
      argsSchema: sdk === 'v1' ? promptShape : z.object(promptShape),
    },
    ({ topic }) => {
      throw new Error(`no prompt for ${topic}`);
    },
  );
  return server;
}
