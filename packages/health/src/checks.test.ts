import { describe, expect, it } from 'vitest';
import { defineChecks, readCheck } from './checks.js';
import type { CheckContext } from './types.js';

const defaults = { timeoutMs: 100, cacheMs: 0 };

function single(definition: Parameters<typeof defineChecks>[0]) {
  const [check] = defineChecks(definition, defaults);
  return check!;
}

describe('user checks', () => {
  it('passes on undefined, true and a bare result, keeping observed values', async () => {
    const checks = defineChecks(
      {
        'a:none': async () => {
          await Promise.resolve('a query result the check ignores');
        },
        'b:true': () => true,
        'c:result': async () => ({ observedValue: 12, observedUnit: 'ms', componentType: 'datastore' }),
      },
      defaults,
    );
    const readings = await Promise.all(checks.map(readCheck));
    expect(readings.map((reading) => reading.status)).toEqual(['pass', 'pass', 'pass']);
    expect(readings[2]).toMatchObject({ observedValue: 12, observedUnit: 'ms', componentType: 'datastore' });
    expect(readings[2]).not.toHaveProperty('output');
    expect(Number.isNaN(Date.parse(readings[0]!.time))).toBe(false);
  });

  it('fails on a throw, a rejection, false and status fail, with the reason as output', async () => {
    const checks = defineChecks(
      {
        'a:throws': () => {
          throw new Error('connection refused');
        },
        'b:rejects': () => Promise.reject(new Error('pool exhausted')),
        'c:false': () => false,
        'd:status': () => ({ status: 'fail', output: 'replica lag 40 s' }),
        'e:unknown': () => ({ status: 'broken' as never }),
      },
      defaults,
    );
    const readings = await Promise.all(checks.map(readCheck));
    expect(readings.map((reading) => [reading.status, reading.output])).toEqual([
      ['fail', 'connection refused'],
      ['fail', 'pool exhausted'],
      ['fail', 'check returned false'],
      ['fail', 'replica lag 40 s'],
      ['fail', 'invalid status broken'],
    ]);
  });

  it('warns on status warn, and a non-critical failure only warns', async () => {
    const checks = defineChecks(
      {
        'a:warn': () => ({ status: 'warn', observedValue: 0.92, output: 'disk 92% full' }),
        'b:optional': { check: () => false, critical: false },
      },
      defaults,
    );
    const readings = await Promise.all(checks.map(readCheck));
    expect(readings.map((reading) => [reading.status, reading.output])).toEqual([
      ['warn', 'disk 92% full'],
      ['warn', 'check returned false'],
    ]);
  });

  it('fails a hanging check on its own timeout and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const check = single({
      'db:ping': {
        timeoutMs: 50,
        check: (context: CheckContext) => {
          signal = context.signal;
          return new Promise<undefined>(() => undefined);
        },
      },
    });
    const reading = await readCheck(check);
    expect(reading).toMatchObject({ status: 'fail', output: 'timed out after 50 ms' });
    expect(signal?.aborted).toBe(true);
    // The abandoned run does not block the next reading: the check is called afresh.
    let calls = 0;
    const again = single({ 'db:ping': { timeoutMs: 50, check: () => new Promise(() => void calls++) } });
    await readCheck(again);
    await readCheck(again);
    expect(calls).toBe(2);
  });

  it('shares one run between concurrent readings and caches for cacheMs', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const check = single({
      'api:status': {
        cacheMs: 60_000,
        check: () => {
          calls++;
          return new Promise<undefined>((resolve) => {
            release = () => resolve(undefined);
          });
        },
      },
    });
    const first = readCheck(check);
    const second = readCheck(check);
    release();
    const [one, two] = await Promise.all([first, second]);
    expect(one).toBe(two);
    expect(await readCheck(check)).toBe(one);
    expect(calls).toBe(1);
  });

  it('runs checks without a cache on every reading', async () => {
    let calls = 0;
    const check = single({ 'queue:depth': () => ({ observedValue: ++calls }) });
    await readCheck(check);
    const reading = await readCheck(check);
    expect(calls).toBe(2);
    expect(reading.observedValue).toBe(2);
  });

  it('runs a startup check until it passes once, then never again', async () => {
    let calls = 0;
    const check = single({ 'cache:warm': { kind: 'startup', check: () => ++calls >= 3 } });
    expect((await readCheck(check)).status).toBe('fail');
    expect((await readCheck(check)).status).toBe('fail');
    const passed = await readCheck(check);
    expect(passed.status).toBe('pass');
    expect(await readCheck(check)).toBe(passed);
    expect(calls).toBe(3);
  });

  it('caps long outputs and rejects checks that are not functions', async () => {
    const check = single({ 'a:long': () => ({ status: 'fail', output: 'x'.repeat(1000) }) });
    expect((await readCheck(check)).output).toHaveLength(256);
    expect(() => defineChecks({ 'a:bad': { check: 'nope' } as never }, defaults)).toThrow(
      'check "a:bad" must be a function',
    );
  });
});
