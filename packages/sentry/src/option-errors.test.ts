/** Options `sentry()` cannot use are refused at once, with a TypeError naming the option and what it takes. */
import { describe, expect, it } from 'vitest';
import { type SentryOptions, sentry } from './index.js';

describe('option errors', () => {
  it.each([
    ['toolErrors', { toolErrors: 'always' }, 'sentry: toolErrors must be one of off, message, exception.'],
    ['maxBreadcrumbs', { maxBreadcrumbs: -1 }, 'sentry: maxBreadcrumbs must be a whole number, 0 or more.'],
    ['maxBreadcrumbs', { maxBreadcrumbs: 2.5 }, 'sentry: maxBreadcrumbs must be a whole number, 0 or more.'],
    [
      'beforeCapture',
      { beforeCapture: 'tenant' },
      'sentry: beforeCapture must be a function (scope, request) => void.',
    ],
  ])('%s: %j is refused', (_, options, message) => {
    expect(() => sentry(options as unknown as SentryOptions)).toThrow(new TypeError(message));
  });

  it.each<[string, SentryOptions]>([
    ["toolErrors: 'exception'", { toolErrors: 'exception' }],
    ['maxBreadcrumbs: 0', { maxBreadcrumbs: 0 }],
    ['a beforeCapture function', { beforeCapture: () => undefined }],
  ])('%s is accepted', (_, options) => {
    expect(sentry(options).name).toBe('sentry');
  });
});
