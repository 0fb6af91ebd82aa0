/**
 * A `hold` tool whose calls all wait on one gate the test opens: the way to have exactly N requests in
 * flight at once, whatever the machine's speed (the example's `slow` tool waits on a timer instead).
 */
import type { ExampleServer } from '@mcpscope/test-kit';

export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

type ToolRegistry = {
  registerTool(
    name: string,
    config: { description: string },
    handler: () => Promise<{ content: { type: 'text'; text: string }[] }>,
  ): unknown;
};

export function addHoldTool(server: ExampleServer, held: Gate): ExampleServer {
  (server as unknown as ToolRegistry).registerTool(
    'hold',
    { description: 'Waits for the gate' },
    async () => {
      await held.opened;
      return { content: [{ type: 'text', text: 'released' }] };
    },
  );
  return server;
}
