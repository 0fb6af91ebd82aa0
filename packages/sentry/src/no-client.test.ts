/**
 * Without `Sentry.init` the plugin does nothing and says so once, through core's diagnostics channel
 * (`MCPSCOPE_SENTRY_NO_CLIENT`), never on stdout; with a client that has no DSN (Sentry switched off on
 * purpose) it stays quiet. This file never initialises Sentry with a DSN.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Diagnostic,
  endpointFacts,
  type McpscopePlugin,
  observe,
  type RequestFacts,
} from '@mcpscope/core';
import {
  captureStderr,
  connectInMemory,
  createExampleServer,
  SDK_VERSIONS,
  waitFor,
} from '@mcpscope/test-kit';
import * as Sentry from '@sentry/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countIsolationForks } from '../test/isolation-forks.js';
import { SENTRY_DIAGNOSTIC_CODES, sentry } from './index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  it('without a Sentry client: requests work, one diagnostic, nothing on stdout', async () => {
    expect(Sentry.getClient()).toBeUndefined();
    const stdout = vi.spyOn(process.stdout, 'write');
    const diagnostics: Diagnostic[] = [];
    const plugin = sentry();
    const server = observe(createExampleServer({ sdk }), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    }).use(plugin);
    const client = await connectInMemory(server, sdk);
    expect((await client.callTool('echo', { text: 'still works' })).content).toEqual([
      { type: 'text', text: 'still works' },
    ]);
    expect((await client.callTool('fail')).isError).toBe(true);
    expect((await client.callTool('fail')).isError).toBe(true);
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    await client.close();
    await server.close();
    await plugin.close?.();

    expect(diagnostics).toEqual([
      {
        plugin: 'sentry',
        code: SENTRY_DIAGNOSTIC_CODES.noClient,
        message: 'Sentry is not initialised (no client from Sentry.init), so MCP errors are not reported',
      },
    ]);
    expect(stdout).not.toHaveBeenCalled();
  });
});

it('without a receiver of its own, the diagnostic is one stderr line in core format', async () => {
  const stderr = captureStderr();
  try {
    const server = observe(createExampleServer({ sdk: 'v1' })).use(sentry());
    const client = await connectInMemory(server, 'v1');
    await client.callTool('fail');
    await client.callTool('fail');
    await client.close();
    await server.close();
  } finally {
    stderr.restore();
  }
  expect(stderr.lines()).toEqual([
    '[mcpscope] sentry: Sentry is not initialised (no client from Sentry.init), so MCP errors are not ' +
      'reported (MCPSCOPE_SENTRY_NO_CLIENT)',
  ]);
});

it('with a client that has no DSN: quiet, and the requests work', async () => {
  Sentry.init({});
  expect(Sentry.getClient()?.getDsn()).toBeUndefined();
  const diagnostics: Diagnostic[] = [];
  const stderr = captureStderr();
  try {
    const server = observe(createExampleServer({ sdk: 'v1' }), {
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    }).use(sentry());
    const client = await connectInMemory(server, 'v1');
    expect((await client.callTool('fail')).isError).toBe(true);
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    await client.close();
    await server.close();
  } finally {
    stderr.restore();
  }
  expect(diagnostics).toEqual([]);
  expect(stderr.lines()).toEqual([]);
});

it('with a client that has no DSN: no isolation scope is forked, and the next carrier carries each request', async () => {
  Sentry.init({});
  expect(Sentry.getClient()?.getDsn()).toBeUndefined();
  const forks = countIsolationForks();
  const requests = new AsyncLocalStorage<RequestFacts>();
  const carried: string[] = [];
  const lower: McpscopePlugin = {
    name: 'lower-carrier',
    contextCarrier: {
      priority: 1,
      run(request, _values, callback) {
        carried.push(request.method);
        requests.run(request, callback);
        return true;
      },
      currentRequest: () => requests.getStore(),
    },
  };
  try {
    const server = observe(createExampleServer({ sdk: 'v1' })).use(lower, sentry());
    const client = await connectInMemory(server, 'v1');
    expect((await client.callTool('echo', { text: 'fine' })).content).toEqual([
      { type: 'text', text: 'fine' },
    ]);
    expect((await client.callTool('fail')).isError).toBe(true);
    await waitFor(() => endpointFacts(server)?.inFlight === 0, 'requests to end');
    await client.close();
    await server.close();
  } finally {
    forks.restore();
  }
  expect(carried).toEqual(['initialize', 'tools/call', 'tools/call']);
  expect(forks.count).toBe(0);
});
