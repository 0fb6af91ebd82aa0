/**
 * Two copies of @mcpscope/logging (and of core) in one process: this package's ESM build, its CommonJS
 * build (loaded with `require`, which brings core's CommonJS build too) and the source. A plugin from one
 * copy, `getLogger()` from another, inside a handler: the request's bindings, and every request logged once.
 */
import { createRequire } from 'node:module';
import * as esmCore from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, waitFor } from '@mcpscope/test-kit';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import * as esmBuild from '../dist/index.js';
import { addTool, captureLogger, text } from '../test/harness.js';
import * as source from './index.js';

type LoggingModule = typeof source;
const require = createRequire(import.meta.url);
const cjsBuild = require('../dist/index.cjs') as LoggingModule;
const cjsCore = require('@mcpscope/core') as typeof esmCore;

const COPIES = { 'ESM build': esmBuild as unknown as LoggingModule, 'CJS build': cjsBuild, source } as const;
type CopyName = keyof typeof COPIES;
const CORES = { 'ESM build': esmCore, 'CJS build': cjsCore, source: esmCore } as const;

it('the copies are distinct modules', () => {
  expect(new Set([esmBuild.getLogger, cjsBuild.getLogger, source.getLogger]).size).toBe(3);
  expect(cjsCore.observe).not.toBe(esmCore.observe);
});

const PAIRS: [CopyName, CopyName][] = [
  ['ESM build', 'CJS build'],
  ['CJS build', 'ESM build'],
  ['CJS build', 'source'],
  ['source', 'CJS build'],
];

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it.each(PAIRS)(
    'plugin from the %s, getLogger() from the %s: the request’s bindings',
    async (pluginCopy, loggerCopy) => {
      const captured = captureLogger();
      const server = createExampleServer({ sdk });
      const inside: Logger[] = [];
      addTool(server, sdk, 'where', {}, async () => {
        const logger = COPIES[loggerCopy].getLogger();
        inside.push(logger);
        logger.info('inside');
        return text('ok');
      });
      const plugin = COPIES[pluginCopy].logging({ logger: captured.logger });
      const client = await connectInMemory(CORES[pluginCopy].observe(server).use(plugin), sdk);
      await client.callTool('where');
      await client.callTool('where');
      await waitFor(() => captured.requestLines('tools/call').length === 2, 'two request lines');
      await client.close();

      expect(inside.map((logger) => logger.bindings())).toEqual([
        expect.objectContaining({
          'jsonrpc.request.id': '1',
          'gen_ai.tool.name': 'where',
          'mcp.transport': 'in-memory',
        }),
        expect.objectContaining({ 'jsonrpc.request.id': '2', 'gen_ai.tool.name': 'where' }),
      ]);
      const handlerLines = captured.lines.filter((line) => line.msg === 'inside');
      expect(handlerLines.map((line) => line['jsonrpc.request.id'])).toEqual(['1', '2']);
      expect(captured.requestLines().map((line) => line.msg)).toEqual([
        'initialize ok',
        'tools/call where ok',
        'tools/call where ok',
      ]);
    },
  );
});
