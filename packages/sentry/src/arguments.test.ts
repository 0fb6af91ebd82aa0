import { describe, expect, it } from 'vitest';
import { FILTERED, SECRET_KEY_PATTERN, scrubbedArguments } from './arguments.js';

describe('scrubbedArguments', () => {
  it('filters values under secret-looking keys at any depth, keeps the rest', () => {
    const json = scrubbedArguments(
      {
        city: 'Oslo',
        password: 'hunter2',
        headers: { Authorization: 'Bearer abc', 'x-api-key': 'k', accept: 'json' },
        list: [{ client_secret: 's', id: 1 }],
        author: 'Ada',
        sessionId: 'sess-1',
      },
      10_000,
    );
    expect(JSON.parse(json!)).toEqual({
      city: 'Oslo',
      password: FILTERED,
      headers: { Authorization: FILTERED, 'x-api-key': FILTERED, accept: 'json' },
      list: [{ client_secret: FILTERED, id: 1 }],
      author: 'Ada',
      sessionId: FILTERED,
    });
  });

  it('cuts long arguments to the limit and marks the cut', () => {
    const json = scrubbedArguments({ text: 'y'.repeat(500) }, 100)!;
    expect(json).toHaveLength(100);
    expect(json.startsWith('{"text":"yyy')).toBe(true);
    expect(json.endsWith('…[truncated]')).toBe(true);
  });

  it('returns undefined without arguments', () => {
    expect(scrubbedArguments(undefined, 100)).toBeUndefined();
  });

  it.each(['token', 'accessToken', 'API_KEY', 'apikey', 'Cookie', 'private_key', 'passphrase', 'jwt'])(
    'treats %s as secret',
    (key) => expect(SECRET_KEY_PATTERN.test(key)).toBe(true),
  );

  it.each(['author', 'authors', 'city', 'query', 'name'])('keeps %s', (key) =>
    expect(SECRET_KEY_PATTERN.test(key)).toBe(false),
  );
});
