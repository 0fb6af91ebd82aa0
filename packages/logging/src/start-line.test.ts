/**
 * The optional debug line at request start: written only with `logRequestStart` (never because another
 * start-time option is on), never for a request `ignore` drops, and no hook runs that was not given.
 */
import { type Diagnostic, observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS, type SdkVersion } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, LEVEL } from '../test/harness.js';
import { type LoggingOptions, logging } from './index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** Calls echo then add, and returns every debug line and every diagnostic. */
async function debugLinesWith(sdk: SdkVersion, options: Omit<LoggingOptions, 'logger'>) {
  const captured = captureLogger('trace');
  const diagnostics: Diagnostic[] = [];
  const observed = observe(createExampleServer({ sdk }), {
    onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
  }).use(logging({ ...options, logger: captured.logger }));
  const client = await connectInMemory(observed, sdk);
  closers.push(() => client.close());
  await client.callTool('echo', { text: 'hello' });
  await client.callTool('add', { a: 1, b: 2 });
  const debugLines = captured.lines.filter((line) => line.level === LEVEL.debug).map((line) => line.msg);
  return { debugLines, diagnostics };
}

describe.each(SDK_VERSIONS)('the request start line, SDK %s', (sdk) => {
  it('is not written when only customProps or client notifications need the start hook', async () => {
    for (const options of [{ customProps: () => ({ tenant: 'acme' }) }, { clientNotifications: true }]) {
      const { debugLines, diagnostics } = await debugLinesWith(sdk, options);
      expect(debugLines).toEqual([]);
      expect(diagnostics).toEqual([]);
    }
  });

  it('is written for every request ignore keeps, and for none it drops', async () => {
    const { debugLines, diagnostics } = await debugLinesWith(sdk, {
      logRequestStart: true,
      ignore: (request) => request.target === 'echo',
    });
    expect(debugLines).toEqual(['initialize started', 'tools/call add started']);
    expect(diagnostics).toEqual([]);
  });

  it('runs no customProps hook when none was given', async () => {
    const { debugLines, diagnostics } = await debugLinesWith(sdk, { logRequestStart: true });
    expect(debugLines).toEqual(['initialize started', 'tools/call echo started', 'tools/call add started']);
    expect(diagnostics).toEqual([]);
  });
});
