/** The servers this plugin is attached to and their connections: what readiness and the drain need. */
import type { EndpointFacts, SessionFacts } from '@mcpscope/core';

export class ServerTracker {
  /** Servers that may hold connections or in-flight requests (dropped once their last connection closed). */
  readonly servers = new Set<EndpointFacts>();
  /** The most recently attached server: closing it flushes the plugins even when no server is live. */
  last: EndpointFacts | undefined = undefined;
  openConnections = 0;
  /** A Streamable HTTP or SSE transport connected at some point: sessions come and go. */
  sawHttp = false;
  /** The stdio transport whose stdin is watched, set once. */
  sawStdio = false;

  attach(server: EndpointFacts): void {
    this.servers.add(server);
    this.last = server;
  }

  opened(session: SessionFacts): void {
    this.openConnections++;
    this.servers.add(session.endpoint);
    if (session.transport === 'streamable-http' || session.transport === 'sse') this.sawHttp = true;
  }

  /** The server's close() was called: it holds nothing the drain must wait for or close. */
  serverClosed(server: EndpointFacts): void {
    this.servers.delete(server);
  }

  closed(session: SessionFacts): void {
    this.openConnections = Math.max(0, this.openConnections - 1);
    if (!session.endpoint.connected) this.servers.delete(session.endpoint);
  }

  /** Requests in flight across the live servers. */
  get inFlight(): number {
    let total = 0;
    for (const server of this.servers) total += server.inFlight;
    return total;
  }

  /** See `HealthOptions.requireConnection`. */
  connectionRequired(setting: boolean | 'auto'): boolean {
    if (setting !== 'auto') return setting;
    return this.last !== undefined && !this.sawHttp;
  }

  /**
   * Closes every live server, then flushes every plugin once (through the last attached server), also
   * for servers observed with `closePlugins: false` (servers built per request).
   */
  async closeAll(onError: (error: unknown) => void): Promise<void> {
    await Promise.all(
      [...this.servers].map((server) =>
        Promise.resolve()
          .then(() => server.close())
          .catch(onError),
      ),
    );
    await Promise.resolve()
      .then(() => this.last?.flush())
      .catch(onError);
  }
}
