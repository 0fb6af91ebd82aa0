/**
 * `bearerToken`: `?verbose` needs the bearer token (401 without it or with a wrong one, 200 with it);
 * plain probes stay open; an unauthorized verbose probe runs no check.
 */
import { observe, sideListenerAddress } from '@mcpscope/core';
import { connectInMemory, createExampleServer, SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { health } from './index.js';
import type { HealthOptions } from './types.js';

const TOKEN = 'probe-secret-7f3a';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function get(url: string, authorization?: string) {
  const response = await fetch(url, authorization === undefined ? {} : { headers: { authorization } });
  return {
    status: response.status,
    authenticate: response.headers.get('www-authenticate'),
    body: JSON.parse(await response.text()) as Record<string, unknown>,
  };
}

describe.each(SDK_VERSIONS)('SDK %s', (sdk) => {
  async function serve(options: HealthOptions) {
    let checkRuns = 0;
    const probes = health({
      shutdown: false,
      checks: {
        'database:ping': () => {
          checkRuns++;
        },
      },
      ...options,
    });
    cleanups.push(() => probes.dispose());
    const server = observe(createExampleServer({ sdk }), { listen: { port: 0 } }).use(probes);
    const client = await connectInMemory(server, sdk);
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    const { url } = await sideListenerAddress(server);
    return { url, runs: () => checkRuns };
  }

  it('answers verbose probes only with the bearer token', async () => {
    const { url, runs } = await serve({ bearerToken: TOKEN });
    for (const path of ['/readyz', '/livez', '/healthz']) {
      const plain = await get(`${url}${path}`);
      expect(plain.status).toBe(200);
      expect(plain.body.checks).toBeUndefined();

      const before = runs();
      for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, TOKEN]) {
        const refused = await get(`${url}${path}?verbose`, authorization);
        expect(refused.status).toBe(401);
        expect(refused.authenticate).toBe('Bearer realm="health"');
        expect(refused.body).toEqual({ status: 'fail', output: 'verbose health requires a bearer token' });
      }
      expect(runs()).toBe(before);

      const allowed = await get(`${url}${path}?verbose=1`, `bearer ${TOKEN}`);
      expect(allowed.status).toBe(200);
      expect(Object.keys(allowed.body.checks as object)).toContain(
        path === '/livez' ? 'process:uptime' : 'database:ping',
      );
    }
  });

  it('without a token, verbose probes are open; with details off, the token changes nothing', async () => {
    const open = await serve({});
    expect(Object.keys((await get(`${open.url}/readyz?verbose`)).body.checks as object)).toContain(
      'database:ping',
    );
    const quiet = await serve({ bearerToken: TOKEN, details: false });
    expect(await get(`${quiet.url}/readyz?verbose`)).toEqual({
      status: 200,
      authenticate: null,
      body: { status: 'pass' },
    });
  });

  it('refuses an empty token at construction', () => {
    expect(() => health({ shutdown: false, bearerToken: '' })).toThrow(/bearerToken must not be empty/);
  });
});
