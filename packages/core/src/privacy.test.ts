import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  privacyRules,
  privateStrings,
  REDACTED,
  redactPayload,
  scrubError,
  scrubText,
  serializePayload,
} from './index.js';

describe('the secret-key rule', () => {
  it.each([
    'password',
    'userPassword',
    'passwd',
    'passphrase',
    'pwd',
    'secret',
    'client_secret',
    'token',
    'githubToken',
    'access_token',
    'refresh-token',
    'apiKey',
    'api_key',
    'x-api-key',
    'X-API-KEY',
    'authorization',
    'Proxy-Authorization',
    'auth',
    'oauth',
    'basicAuth',
    'authentication',
    'credentials',
    'cookie',
    'Set-Cookie',
    'sessionId',
    'session',
    'privateKey',
    'private_key',
    'accessKey',
    'AWS_ACCESS_KEY_ID',
    'signature',
    'bearer',
    'jwt',
    'pin',
    'otp',
    'cvv',
    'cvc',
    'ssn',
  ])('%s is secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['city', 'author', 'authority', 'name', 'query', 'units', 'spinner', 'cost', 'ssnack', ''])(
    '%s is not secret',
    (key) => {
      expect(isSecretKey(key)).toBe(false);
    },
  );
});

describe('redaction', () => {
  const rules = privacyRules(
    { recordArguments: true, redact: ['card.number', 'items.*.code', 'ssn2'] },
    'test',
  );

  it('masks secret keys, listed keys and paths at any depth, with one placeholder', () => {
    const copy = redactPayload(
      {
        city: 'Oslo',
        githubToken: 'ghp_123456',
        nested: { deeper: { 'x-api-key': 'k-123456' }, ssn2: '999-99' },
        card: { number: '4111111111111111', holder: 'Ada' },
        items: [{ code: 'abcd', label: 'ok' }],
      },
      rules,
    );
    expect(copy).toEqual({
      city: 'Oslo',
      githubToken: REDACTED,
      nested: { deeper: { 'x-api-key': REDACTED }, ssn2: REDACTED },
      card: { number: REDACTED, holder: 'Ada' },
      items: [{ code: REDACTED, label: 'ok' }],
    });
    expect(REDACTED).toBe('[REDACTED]');
  });

  it('keeps keys such as __proto__ as plain data', () => {
    const copy = redactPayload(JSON.parse('{"__proto__": {"polluted": "yes"}}'), rules) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives cycles, bigints, dates, binary and getters that throw', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(
      redactPayload(
        { cyclic, big: 10n, when: new Date(0), bytes: new Uint8Array(3), hostile, nan: Number.NaN },
        rules,
      ),
    ).toEqual({
      cyclic: { name: 'loop', self: '[Circular]' },
      big: '10',
      when: '1970-01-01T00:00:00.000Z',
      bytes: '[Binary 3 bytes]',
      hostile: { boom: '[Unreadable]' },
      nan: 'NaN',
    });
  });

  it('cuts the serialized payload to maxPayloadLength, marked', () => {
    const small = privacyRules({ recordArguments: true, maxPayloadLength: 40 }, 'test');
    const text = serializePayload({ text: 'x'.repeat(200) }, small)!;
    expect(text).toHaveLength(40);
    expect(text.endsWith('…[truncated]')).toBe(true);
    expect(serializePayload(undefined, small)).toBeUndefined();
    expect(serializePayload({ apiKey: 'abc' }, small)).toBe('{"apiKey":"[REDACTED]"}');
  });

  it('rejects invalid options clearly', () => {
    expect(() => privacyRules({ maxPayloadLength: 0 }, 'tracing()')).toThrow(/tracing\(\): maxPayloadLength/);
    expect(() => privacyRules({ redact: 'password' as never }, 'logging()')).toThrow(/logging\(\): redact/);
  });
});

describe('private strings', () => {
  const request = {
    method: 'tools/call',
    params: { name: 'login', arguments: { user: 'ada', password: 'hunter22', note: 'remember me' } },
  };

  it('hides every argument string when arguments are not recorded', () => {
    expect(privateStrings(request, privacyRules({}, 'test'))).toEqual(['remember me', 'hunter22']);
  });

  it('hides only the redacted ones when arguments are recorded', () => {
    expect(privateStrings(request, privacyRules({ recordArguments: true }, 'test'))).toEqual(['hunter22']);
  });

  it('has nothing to hide for other methods', () => {
    expect(
      privateStrings({ method: 'tools/list', params: { cursor: 'abcdef' } }, privacyRules({}, 'x')),
    ).toEqual([]);
  });

  it('scrubs them out of messages, stacks and causes, keeping the class and code', () => {
    class LoginError extends Error {
      code = 'E_LOGIN';
    }
    const error = new LoginError('login failed for hunter22', { cause: new Error('hunter22 rejected') });
    const scrubbed = scrubError(error, ['hunter22']) as LoginError & { cause: Error };
    expect(scrubbed).not.toBe(error);
    expect(scrubbed).toBeInstanceOf(LoginError);
    expect(scrubbed.message).toBe('login failed for [REDACTED]');
    expect(scrubbed.stack).not.toContain('hunter22');
    expect(scrubbed.code).toBe('E_LOGIN');
    expect(scrubbed.cause.message).toBe('[REDACTED] rejected');
    expect(scrubError(error, [])).toBe(error);
    const clean = new Error('nothing private');
    expect(scrubError(clean, ['hunter22'])).toBe(clean);
    expect(scrubText('a hunter22 b hunter22', ['hunter22'])).toBe('a [REDACTED] b [REDACTED]');
  });
});
