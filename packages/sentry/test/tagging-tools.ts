/**
 * Tools that write to Sentry's scope, then fail: each sets a tag, the user and a breadcrumb naming
 * itself, yields so the calls interleave, checks `currentRequest()` still names its own request, and
 * throws. An event that carries another call's tag, user or breadcrumb has leaked.
 */
import { currentRequest } from '@mcpscope/core';
import type { ExampleServer } from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { addTool, pause } from './extra-tools.js';

export function addTaggingTools(server: ExampleServer, count: number): string[] {
  const names = Array.from({ length: count }, (_, index) => `tagging_${index}`);
  names.forEach((name, index) => {
    addTool(server, name, async () => {
      Sentry.setTag('handler.call', name);
      Sentry.setUser({ id: `user-of-${name}` });
      Sentry.addBreadcrumb({ category: 'handler', message: `crumb of ${name}` });
      await pause((count - index) % 7);
      const current = currentRequest();
      const sameRequest =
        current?.method === 'tools/call' && (current.params as { name?: unknown } | undefined)?.name === name;
      throw new Error(`failure of ${name} (currentRequest ${sameRequest ? 'is' : 'is not'} this call)`);
    });
  });
  return names;
}
