/**
 * Delivery failures. Sentry's transport drops an event it could not send (the endpoint refuses
 * connections, answers with an error, or is so slow that the send queue overflows) and says nothing
 * unless `debug` is on, which writes to stdout (the stdio transport). The plugin reports it through
 * core's diagnostics channel, once per plugin instance and client.
 */
import { clearDiagnostic, type McpscopePlugin, reportDiagnostic } from '@mcpscope/core';
import type * as Sentry from '@sentry/node';
import { SENTRY_DIAGNOSTIC_CODES } from './diagnostic-codes.js';

type Client = NonNullable<ReturnType<typeof Sentry.getClient>>;

export class DeliveryWatch {
  private readonly watched = new WeakSet<Client>();
  private current: Client | undefined;

  constructor(private readonly plugin: McpscopePlugin) {}

  report(reason: string): void {
    reportDiagnostic(this.plugin, {
      code: SENTRY_DIAGNOSTIC_CODES.deliveryFailed,
      message: `events are not reaching Sentry (${reason}); later delivery failures are not reported`,
    });
  }

  /** Watches what the client's transport answered for each event it sent (once per client). */
  watch(client: Client): void {
    if (this.current !== client) {
      // A new client (Sentry.init again) may fail on its own: let it be reported again.
      if (this.current !== undefined) clearDiagnostic(this.plugin, SENTRY_DIAGNOSTIC_CODES.deliveryFailed);
      this.current = client;
    }
    if (this.watched.has(client)) return;
    this.watched.add(client);
    client.on('afterSendEvent', (_event, response) => {
      // Sentry's transports set the status code of every answer; none means the send failed or was dropped.
      const status = response?.statusCode;
      if (status !== undefined && status < 400) return;
      if (this.current !== client) return;
      this.report(
        status === undefined
          ? 'an event got no answer: the endpoint is unreachable or the send queue is full'
          : `an event was answered with HTTP ${status}`,
      );
    });
  }
}
