/**
 * `tracing()` rejects options it cannot honour at once, with a TypeError that names the plugin and the
 * option, before any server is observed.
 */
import { describe, expect, it } from 'vitest';
import { type TracingOptions, tracing } from './index.js';

/** The error `tracing(options)` throws, or undefined. */
function thrownBy(options: unknown): unknown {
  try {
    tracing(options as TracingOptions);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('option errors', () => {
  it.each([
    [{ callerErrors: 'ignore' }, "tracing: callerErrors must be 'error' or 'unset'."],
    [{ callerErrors: null }, "tracing: callerErrors must be 'error' or 'unset'."],
    [{ sentry: 'off' }, "tracing: sentry must be 'auto', 'defer' or 'trace'."],
    [{ sentry: true }, "tracing: sentry must be 'auto', 'defer' or 'trace'."],
    [{ maxPayloadLength: 8 }, 'tracing: maxPayloadLength must be a number of characters, 16 or more.'],
    [{ redact: 'password' }, 'tracing: redact must be an array of keys or dotted paths.'],
  ])('%j: a TypeError naming the option', (options, message) => {
    const error = thrownBy(options);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe(message);
  });

  it.each([
    { callerErrors: 'error' },
    { callerErrors: 'unset' },
    { sentry: 'auto' },
    { sentry: 'defer' },
    { sentry: 'trace' },
    { maxPayloadLength: 16 },
    {},
  ] as const)('%j is accepted', (options) => {
    expect(thrownBy(options)).toBeUndefined();
    expect(tracing(options).name).toBe('tracing');
  });
});
