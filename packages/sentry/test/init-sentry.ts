import * as Sentry from '@sentry/node';

/**
 * `Sentry.init` for the tests: no client reports, and no Dedupe integration, so every failure is its
 * own event and a double report cannot hide.
 */
export function initSentryEveryEvent(dsn: string, options: Sentry.NodeOptions = {}): void {
  Sentry.init({
    dsn,
    sendClientReports: false,
    integrations: (defaults) => defaults.filter(({ name }) => name !== 'Dedupe'),
    ...options,
  });
}
