/**
 * Two copies of core in one process: the ESM and the CommonJS build both loaded, or a plugin that brings
 * its own copy in a nested node_modules. They share one state (a versioned global symbol), so a request
 * observed through one copy is seen by `currentRequest()`, `endpointFacts()` and the diagnostics of the
 * others. Runs against the built files (the suite builds before it tests).
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Core from './index.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
// Inside core's own node_modules, as a plugin's nested copy would be.
const NESTED = fileURLToPath(new URL('../node_modules/.two-copies-test/@mcpscope/core/', import.meta.url));

let copies: { name: string; core: typeof Core }[];

beforeAll(async () => {
  rmSync(NESTED, { recursive: true, force: true });
  mkdirSync(NESTED, { recursive: true });
  cpSync(DIST, `${NESTED}dist`, { recursive: true });
  cpSync(fileURLToPath(new URL('../package.json', import.meta.url)), `${NESTED}package.json`);
  copies = [
    { name: 'the ESM build', core: (await import(pathToFileURL(`${DIST}index.js`).href)) as typeof Core },
    { name: 'the CommonJS build', core: createRequire(import.meta.url)(`${DIST}index.cjs`) as typeof Core },
    {
      name: 'a nested copy',
      core: (await import(pathToFileURL(`${NESTED}dist/index.js`).href)) as typeof Core,
    },
  ];
});

afterAll(() => rmSync(NESTED, { recursive: true, force: true }));

function pairs() {
  return copies.flatMap((observer) =>
    copies.filter((reader) => reader !== observer).map((reader) => ({ observer, reader })),
  );
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('loads three distinct copies (the control: without the shared state they would not see each other)', () => {
    expect(new Set(copies.map(({ core }) => core.observe)).size).toBe(3);
    expect(new Set(copies.map(({ core }) => core.currentRequest)).size).toBe(3);
  });

  it('sees a request observed through one copy from every other copy', async () => {
    for (const { observer, reader } of pairs()) {
      const seen: { target: string | undefined; method: string | undefined }[] = [];
      const server = createExampleServer({ sdk });
      (server as { registerTool: (...args: unknown[]) => void }).registerTool(
        'inspect',
        { description: 'Looks at the request through another copy of core' },
        async () => {
          const request = reader.core.currentRequest();
          seen.push({ target: request?.target, method: request?.method });
          return { content: [{ type: 'text', text: 'ok' }] };
        },
      );
      // requestContext: no plugin here asks for one, so the observe option does.
      const observed = observer.core.observe(server, { requestContext: true });
      const client = await connectInMemory(observed, sdk);
      await client.callTool('inspect');
      expect(seen, `${observer.name} observes, ${reader.name} reads`).toEqual([
        { target: 'inspect', method: 'tools/call' },
      ]);
      expect(reader.core.endpointFacts(observed)?.inFlight, `${reader.name} sees the endpoint`).toBe(0);
      await client.close();
    }
  });

  it('routes a diagnostic reported through one copy to the receiver given to another', async () => {
    for (const { observer, reader } of pairs()) {
      const received: string[] = [];
      const plugin: Core.McpscopePlugin = { name: `plugin of ${observer.name}` };
      const observed = observer.core
        .observe(createExampleServer({ sdk }), {
          onDiagnostic: (diagnostic) => received.push(diagnostic.code),
        })
        .use(plugin);
      reader.core.reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_ACROSS_COPIES', message: 'across' });
      reader.core.reportDiagnostic(plugin, { code: 'MCPSCOPE_TEST_ACROSS_COPIES', message: 'once' });
      expect(received, `${observer.name} observes, ${reader.name} reports`).toEqual([
        'MCPSCOPE_TEST_ACROSS_COPIES',
      ]);
      await observed.close();
    }
  });

  it('observes a server once when two copies both observe it: each plugin sees each request once', async () => {
    for (const { observer, reader } of pairs()) {
      const ended: string[] = [];
      const handled: string[] = [];
      const server = createExampleServer({ sdk });
      (server as { registerTool: (...args: unknown[]) => void }).registerTool(
        'count',
        { description: 'Counts its runs' },
        async () => {
          handled.push('count');
          return { content: [{ type: 'text', text: 'ok' }] };
        },
      );
      const first = observer.core.observe(server).use({
        name: `plugin of ${observer.name}`,
        onRequestEnd: (request) => void ended.push(`${observer.name} ${request.method}`),
      });
      const second = reader.core.observe(server).use({
        name: `plugin of ${reader.name}`,
        onRequestEnd: (request) => void ended.push(`${reader.name} ${request.method}`),
      });
      expect(second).toBe(first);
      const client = await connectInMemory(first, sdk);
      await client.callTool('count');
      await client.close();
      expect(handled).toEqual(['count']);
      expect(ended.filter((line) => line.endsWith('tools/call')).sort()).toEqual(
        [`${observer.name} tools/call`, `${reader.name} tools/call`].sort(),
      );
    }
  });
});
