import { describe, expect, it } from 'vitest';
import { REDACTED, serializeToolPayload } from './tool-payload.js';
import type { ToolPayload } from './types.js';

const payload = (value: unknown): ToolPayload => ({
  kind: 'arguments',
  toolName: 'tool',
  side: 'server',
  value,
});

describe('serializeToolPayload', () => {
  it('masks secret-looking keys at any depth, and only those', () => {
    const text = serializeToolPayload(
      payload({
        city: 'Paris',
        password: 'p',
        nested: { apiKey: 'k', Authorization: 'Bearer x', token_count: 3, list: [{ access_token: 't' }] },
      }),
      undefined,
      1000,
    );
    expect(JSON.parse(text!)).toEqual({
      city: 'Paris',
      password: REDACTED,
      nested: {
        apiKey: REDACTED,
        Authorization: REDACTED,
        token_count: 3,
        list: [{ access_token: REDACTED }],
      },
    });
  });

  it('caps the length without splitting a surrogate pair', () => {
    expect(serializeToolPayload(payload({ text: 'abcdefgh' }), undefined, 10)).toBe('{"text":"a…');
    const emoji = serializeToolPayload(payload('😀😀'), undefined, 3);
    expect(emoji).toBe('😀…');
  });

  it('applies the redaction hook first: a string is kept as is, undefined records nothing', () => {
    expect(serializeToolPayload(payload({ a: 1 }), () => 'custom', 100)).toBe('custom');
    expect(serializeToolPayload(payload({ a: 1 }), () => undefined, 100)).toBeUndefined();
    expect(
      serializeToolPayload(payload({ a: 1 }), ({ value }) => ({ ...(value as object), secret: 's' }), 100),
    ).toBe(`{"a":1,"secret":"${REDACTED}"}`);
  });

  it('never throws: a failing hook or an unserializable value records nothing', () => {
    expect(
      serializeToolPayload(
        payload({}),
        () => {
          throw new Error('hook failed');
        },
        100,
      ),
    ).toBeUndefined();
    expect(serializeToolPayload(payload({ big: 1n }), undefined, 100)).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(serializeToolPayload(payload(cyclic), undefined, 100)).toBeUndefined();
  });
});
