import { describe, expect, it } from 'vitest';
import { collectStrings, compileRedaction, isSecretKey, REDACTED, redactValue, scrubText } from './redact.js';

describe('isSecretKey', () => {
  it.each([
    'password',
    'PASSWORD',
    'db_password',
    'passwd',
    'token',
    'accessToken',
    'refresh-token',
    'secret',
    'clientSecret',
    'authorization',
    'Authorization',
    'apiKey',
    'api_key',
    'X-API-Key',
    'cookie',
    'Set-Cookie',
    'credentials',
    'private_key',
    'privateKey',
    'aws_access_key_id',
    'session_id',
    'auth',
    'pwd',
    'pin',
  ])('%s is secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['name', 'text', 'author', 'path', 'query', 'spin', 'count', 'user'])('%s is not', (key) =>
    expect(isSecretKey(key)).toBe(false),
  );
});

describe('redactValue', () => {
  const rules = compileRedaction([], 16);

  it('redacts secret keys at any depth, in objects and arrays', () => {
    const hidden: string[] = [];
    const value = {
      user: 'alice',
      password: 'hunter22',
      nested: { deeper: [{ apiKey: 'key-123', label: 'x' }], cookie: { a: 'b-value' } },
    };
    expect(redactValue(value, rules, hidden)).toEqual({
      user: 'alice',
      password: REDACTED,
      nested: { deeper: [{ apiKey: REDACTED, label: 'x' }], cookie: REDACTED },
    });
    expect(hidden.sort()).toEqual(['b-value', 'hunter22', 'key-123']);
    expect(value.password).toBe('hunter22');
  });

  it('redacts user keys anywhere and user paths from the root, with * wildcards', () => {
    const custom = compileRedaction(['ssn', 'card.number', 'items[*].code', 'rows.*.1'], 64);
    const value = {
      ssn: '111',
      person: { ssn: '222', card: { number: 'not at root' } },
      card: { number: '4111', expiry: '12/30' },
      items: [{ code: 'c1' }, { code: 'c2', name: 'n' }],
      rows: [
        ['a', 'b'],
        ['c', 'd'],
      ],
    };
    expect(redactValue(value, custom)).toEqual({
      ssn: REDACTED,
      person: { ssn: REDACTED, card: { number: 'not at root' } },
      card: { number: REDACTED, expiry: '12/30' },
      items: [{ code: REDACTED }, { code: REDACTED, name: 'n' }],
      rows: [
        ['a', REDACTED],
        ['c', REDACTED],
      ],
    });
  });

  it('caps strings, arrays, keys and depth; survives cycles and odd values', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let level = 0; level < 12; level++) deep = { next: deep };
    const wide = Object.fromEntries(Array.from({ length: 150 }, (_, index) => [`k${index}`, index]));
    const copy = redactValue(
      {
        long: 'x'.repeat(40),
        list: Array.from({ length: 130 }, (_, index) => index),
        cyclic,
        deep,
        wide,
        big: 10n,
        when: new Date(0),
        bytes: new Uint8Array(3),
        fn: () => 1,
      },
      rules,
    ) as Record<string, unknown>;
    expect(copy.long).toBe(`${'x'.repeat(16)}…[+24 chars]`);
    expect((copy.list as unknown[]).length).toBe(101);
    expect((copy.list as unknown[])[100]).toBe('[+30 items]');
    expect(copy.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
    expect(JSON.stringify(copy.deep)).toContain('"[Object]"');
    expect(Object.keys(copy.wide as object)).toHaveLength(101);
    expect((copy.wide as Record<string, unknown>)['…']).toBe('[+50 keys]');
    expect(copy.big).toBe('10');
    expect(copy.when).toBe('1970-01-01T00:00:00.000Z');
    expect(copy.bytes).toBe('[Binary 3 bytes]');
    expect(copy.fn).toBeUndefined();
  });
});

describe('scrubText', () => {
  it('replaces every hidden string', () => {
    expect(scrubText('key abcd-efgh and abcd again', ['abcd-efgh', 'abcd'])).toBe(
      `key ${REDACTED} and ${REDACTED} again`,
    );
  });

  it('collectStrings skips strings too short to scrub safely', () => {
    const hidden: string[] = [];
    collectStrings({ a: 'abc', b: ['abcd', { c: 'longer value' }], d: 12345 }, hidden);
    expect(hidden).toEqual(['abcd', 'longer value']);
  });
});
