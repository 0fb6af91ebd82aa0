import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExampleServer } from '@mcpscope/test-kit';
import { describe, expect, it } from 'vitest';
import { fetchHandler, type McpscopePlugin, nodeHandler, observe, sideListenerAddress } from './index.js';

const metricsPlugin: McpscopePlugin = {
  name: 'fake-metrics',
  routes: {
    '/metrics': (request) => ({
      status: 200,
      headers: { 'content-type': 'text/plain; version=0.0.4' },
      body: `up 1\n# accept=${request.header('accept') ?? ''}\n`,
    }),
  },
};
const brokenPlugin: McpscopePlugin = {
  name: 'broken-routes',
  routes: {
    '/broken': () => {
      throw new Error('route failed');
    },
  },
};

async function serveNode(handler: ReturnType<typeof nodeHandler>) {
  const server = createServer((request, response) => handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('routes', () => {
  it('serves plugin routes through a Node handler: 200, 404, HEAD, and 500 for a failing route', async () => {
    const failures: string[] = [];
    const server = observe(createExampleServer({ sdk: 'v1' }), {
      onDiagnostic: (failure) => failures.push(`${failure.plugin} ${failure.hook}`),
    }).use(metricsPlugin, brokenPlugin);
    const http = await serveNode(nodeHandler(server));
    const ok = await fetch(`${http.base}/metrics`, { headers: { accept: 'application/openmetrics-text' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await ok.text()).toBe('up 1\n# accept=application/openmetrics-text\n');
    expect((await fetch(`${http.base}/metrics?x=1`)).status).toBe(200);
    const head = await fetch(`${http.base}/metrics`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    expect((await fetch(`${http.base}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${http.base}/broken`)).status).toBe(500);
    expect((await fetch(`${http.base}/broken`)).status).toBe(500);
    expect((await fetch(`${http.base}/__proto__`)).status).toBe(404);
    expect(failures).toEqual(['broken-routes route /broken']);
    await http.close();
  });

  it('calls next() for unknown paths when used as middleware', async () => {
    const handler = nodeHandler([metricsPlugin]);
    const server = createServer((request, response) =>
      handler(request, response, () => {
        response.statusCode = 299;
        response.end('next');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await fetch(`http://127.0.0.1:${port}/elsewhere`);
    expect([answer.status, await answer.text()]).toEqual([299, 'next']);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('serves the same routes through a fetch handler', async () => {
    const handler = fetchHandler([metricsPlugin]);
    const ok = await handler(new Request('http://localhost/metrics'));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('up 1');
    expect((await handler(new Request('http://localhost/missing'))).status).toBe(404);
  });

  it('serves routes added after observe on a side listener bound to 127.0.0.1, stopped by close()', async () => {
    const server = observe(createExampleServer({ sdk: 'v2' }), { listen: { port: 0 } });
    const address = await sideListenerAddress(server);
    expect(address.host).toBe('127.0.0.1');
    expect((await fetch(`${address.url}/metrics`)).status).toBe(404);
    server.use(metricsPlugin);
    expect((await fetch(`${address.url}/metrics`)).status).toBe(200);
    await server.close();
    await expect(fetch(`${address.url}/metrics`)).rejects.toThrow();
  });

  it('rejects a side listener address for a server observed without listen', async () => {
    const server = observe(createExampleServer({ sdk: 'v1' }));
    await expect(sideListenerAddress(server)).rejects.toThrow(/not observed with a `listen` option/);
  });
});
