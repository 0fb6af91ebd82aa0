/**
 * Delivery failures. Sentry's transport drops an event it could not send (the endpoint refuses
 * connections, answers with an error, or is so slow that the send queue overflows) and says nothing
 * unless `debug` is on, which writes to stdout (the stdio transport). The plugin says it once per
 * client, on stderr: when an event was not accepted, or when the flush at close ran out of time.
 */
import type * as Sentry from '@sentry/node';

type Client = NonNullable<ReturnType<typeof Sentry.getClient>>;

const watched = new WeakSet<Client>();
const reported = new WeakSet<Client>();

export function reportDeliveryFailure(client: Client, reason: string): void {
  if (reported.has(client)) return;
  reported.add(client);
  process.stderr.write(
    `[mcpscope] @mcpscope/sentry: events are not reaching Sentry (${reason}). ` +
      'Later delivery failures are not reported.\n',
  );
}

/** Watches what the client's transport answered for each event it sent (once per client). */
export function watchDelivery(client: Client): void {
  if (watched.has(client)) return;
  watched.add(client);
  client.on('afterSendEvent', (_event, response) => {
    // Sentry's transports set the status code of every answer; none means the send failed or was dropped.
    const status = response?.statusCode;
    if (status !== undefined && status < 400) return;
    reportDeliveryFailure(
      client,
      status === undefined
        ? 'an event got no answer: the endpoint is unreachable or the send queue is full'
        : `an event was answered with HTTP ${status}`,
    );
  });
}
