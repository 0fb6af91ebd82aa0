/** One async context per request: a plugin's carrier replaces core's own, and carries what plugins set. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import {
  type ContextCarrier,
  currentRequest,
  type McpscopePlugin,
  observe,
  type RequestFacts,
} from './index.js';
import { shared } from './shared-state.js';

const VALUE = Symbol('test value');

interface Carried {
  readonly request: RequestFacts;
  readonly values: ReadonlyMap<symbol, unknown> | undefined;
}

function carrierPlugin(name: string, priority: number, willCarry: () => boolean) {
  const storage = new AsyncLocalStorage<Carried>();
  let runs = 0;
  const carrier: ContextCarrier = {
    priority,
    run(request, values, callback) {
      if (!willCarry()) return false;
      runs++;
      storage.run({ request, values }, callback);
      return true;
    },
    currentRequest: () => storage.getStore()?.request,
  };
  return {
    plugin: { name, contextCarrier: carrier, requestContext: true } satisfies McpscopePlugin,
    storage,
    get runs() {
      return runs;
    },
  };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('enters the highest-priority carrier once per request, with the values plugins set, and no other context', async () => {
    const low = carrierPlugin('low', 1, () => true);
    const high = carrierPlugin('high', 10, () => true);
    const seenInHandler: { current: RequestFacts | undefined; coreStore: unknown; value: unknown }[] = [];
    const seenAround: unknown[] = [];
    const setter: McpscopePlugin = {
      name: 'setter',
      onRequestStart: (request) => request.setContextValue(VALUE, `value of ${String(request.id)}`),
      aroundRequest: (request, dispatch) => {
        seenAround.push(high.storage.getStore()?.request === request);
        dispatch();
      },
    };
    const server = createExampleServer({ sdk });
    (server as { registerTool: (...args: unknown[]) => void }).registerTool(
      'inspect',
      { description: 'Looks at its context' },
      async () => {
        seenInHandler.push({
          current: currentRequest(),
          coreStore: shared.requestStorage.getStore(),
          value: high.storage.getStore()?.values?.get(VALUE),
        });
        return { content: [{ type: 'text', text: 'ok' }] };
      },
    );
    const client = await connectInMemory(observe(server).use(low.plugin, setter, high.plugin), sdk);
    await client.callTool('inspect');
    await client.callTool('inspect');
    expect(seenInHandler).toHaveLength(2);
    for (const seen of seenInHandler) {
      expect(seen.current?.method).toBe('tools/call');
      expect(seen.coreStore).toBeUndefined();
      expect(seen.value).toBe(`value of ${String(seen.current?.id)}`);
    }
    expect(seenAround.every((inside) => inside === true)).toBe(true);
    expect(low.runs).toBe(0);
    expect(high.runs).toBe(3); // initialize and the two calls
    await client.close();
  });

  it('falls back to the next carrier, then to core’s own context, when a carrier cannot carry', async () => {
    const declining = carrierPlugin('declining', 10, () => false);
    let inHandler: { current: RequestFacts | undefined; coreStore: unknown } | undefined;
    const server = createExampleServer({ sdk });
    (server as { registerTool: (...args: unknown[]) => void }).registerTool(
      'inspect',
      { description: 'Looks at its context' },
      async () => {
        inHandler = { current: currentRequest(), coreStore: shared.requestStorage.getStore() };
        return { content: [{ type: 'text', text: 'ok' }] };
      },
    );
    const client = await connectInMemory(observe(server).use(declining.plugin), sdk);
    await client.callTool('inspect');
    await waitFor(() => inHandler !== undefined, 'the handler');
    expect(inHandler?.current?.target).toBe('inspect');
    expect(inHandler?.coreStore).toBe(inHandler?.current);
    expect(declining.runs).toBe(0);
    await client.close();
  });
});
