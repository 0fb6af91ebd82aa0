/**
 * The refusal facts every other plugin reads at a request's end (`request.refusal`), exactly, for each
 * scope; and which requests a tool's rule counts: tools/call of that tool only, never a prompt or a
 * resource that shares its name, nor a tools/call without a name.
 */
import type { McpscopePlugin, Refusal } from '@mcpscope/core';
import { SDK_VERSIONS } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../test/manual-clock.js';
import { type Observed, observed, outcomeOf } from '../test/observed.js';
import { rateLimit } from './rate-limit.js';
import type { RateLimitOptions } from './types.js';

describe.each(SDK_VERSIONS)('refusal facts, SDK %s', (sdk) => {
  let scene: Observed | undefined;
  let refusals: { method: string; refusal: Refusal }[] = [];
  /** Another plugin, reading each request's refusal when it ends. */
  const recorder: McpscopePlugin = {
    name: 'refusal-recorder',
    onRequestEnd: (request) => {
      if (request.refusal !== undefined)
        refusals.push({ method: request.method, refusal: { ...request.refusal } });
    },
  };
  const setUp = (options: RateLimitOptions) => {
    const limiter = rateLimit({ clock: new ManualClock(), ...options });
    scene = observed(sdk, limiter, recorder);
    return { limiter, scene };
  };
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
    refusals = [];
  });

  const scopes = [
    { scope: 'global', options: { client: false, global: { limit: 1 } }, data: {} },
    { scope: 'client', options: { client: { limit: 1 } }, data: {} },
    { scope: 'tool', options: { client: false, tools: { echo: { limit: 1 } } }, data: { tool: 'echo' } },
    {
      scope: 'method',
      options: { client: false, methods: { 'tools/call': { limit: 1 } } },
      data: { method: 'tools/call' },
    },
  ] as const;

  for (const { scope, options, data } of scopes) {
    it(`a ${scope} rule's refusal: the client's error and the facts other plugins see`, async () => {
      const { limiter, scene } = setUp(options);
      const connection = await scene.connect();
      expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toBe('ok');
      expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toEqual({
        code: -32029,
        message: expect.stringContaining(`Rate limit exceeded (${scope}): retry after 60000 ms`),
        data: { reason: 'rate_limited', scope, limit: 1, windowMs: 60_000, retryAfterMs: 60_000, ...data },
      });
      await scene.settled();
      expect(refusals).toEqual([
        { method: 'tools/call', refusal: { plugin: 'rate-limit', reason: 'rate_limited', scope } },
      ]);
      expect(limiter.stats().refusedByScope).toEqual({
        global: 0,
        client: 0,
        tool: 0,
        method: 0,
        [scope]: 1,
      });
    });
  }

  it("a tool's rule counts that tool's calls only, not a prompt or a resource of the same name", async () => {
    const { limiter, scene } = setUp({
      client: false,
      tools: { greet: { limit: 1 }, 'config://app': { limit: 1 }, echo: { limit: 1 } },
    });
    const connection = await scene.connect();
    for (let round = 0; round < 3; round++) {
      expect(await outcomeOf(connection.getPrompt('greet', { name: 'Ada' }))).toBe('ok');
      expect(await outcomeOf(connection.readResource('config://app'))).toBe('ok');
    }
    expect(scene.calls.count('prompt:greet')).toBe(3);
    expect(scene.calls.count('resource:config')).toBe(3);
    // Neither was counted at all (no rule applies to them), while echo's rule counts echo.
    expect(limiter.stats()).toMatchObject({ allowed: 0, refused: 0 });
    expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toBe('ok');
    expect(await outcomeOf(connection.callTool('echo', { text: 'x' }))).toMatchObject({
      code: -32029,
      data: { scope: 'tool', tool: 'echo' },
    });
    await scene.settled();
    expect(refusals.map((entry) => entry.method)).toEqual(['tools/call']);
  });

  it('a tools/call without a name is counted by the client rule, by no tool rule', async () => {
    const { limiter, scene } = setUp({ client: { limit: 2 }, tools: { echo: { limit: 1 } } });
    const connection = await scene.connect();
    const nameless = () => outcomeOf(connection.request('tools/call', { arguments: { text: 'x' } }));
    const first = await nameless();
    expect(first).not.toBe('ok');
    expect(first).not.toMatchObject({ code: -32029 });
    expect(await nameless()).toEqual(first);
    expect(await nameless()).toMatchObject({ code: -32029, data: { scope: 'client', limit: 2 } });
    expect(limiter.stats()).toMatchObject({ allowed: 2, refused: 1, refusedByScope: { client: 1, tool: 0 } });
  });
});
