/**
 * The connections that are open right now on the servers this plugin is attached to: what readiness and
 * the drain need. It holds open connections only: a connection that closed, or that core abandoned (an
 * HTTP exchange that never became a session), is forgotten at once, and so is its server when nothing
 * else of it is open. The last attached server is held weakly, for flushing and for the report's name.
 */
import type { EndpointFacts, SessionFacts } from '@mcpscope/core';

export class ServerTracker {
  /** Open connections, each counted once however often core reopens it. */
  private readonly open = new Set<SessionFacts>();
  /** The servers of the open connections, with how many of their connections are open. */
  private readonly servers = new Map<EndpointFacts, number>();
  /** The most recently attached server, while something else keeps it alive. */
  private last: WeakRef<EndpointFacts> | undefined = undefined;
  /** A server was attached at some point. */
  attached = false;
  /** The name and version of the most recently attached server (strings: they keep nothing alive). */
  name: string | undefined = undefined;
  version: string | undefined = undefined;
  /** A Streamable HTTP or SSE transport connected at some point: sessions come and go. */
  sawHttp = false;

  attach(server: EndpointFacts): void {
    this.attached = true;
    this.last = new WeakRef(server);
    this.name = server.name;
    this.version = server.version;
  }

  opened(session: SessionFacts): void {
    if (session.transport === 'streamable-http' || session.transport === 'sse') this.sawHttp = true;
    if (this.open.has(session)) return;
    this.open.add(session);
    this.servers.set(session.endpoint, (this.servers.get(session.endpoint) ?? 0) + 1);
  }

  closed(session: SessionFacts): void {
    if (!this.open.delete(session)) return;
    const { endpoint } = session;
    const remaining = (this.servers.get(endpoint) ?? 1) - 1;
    if (remaining > 0) this.servers.set(endpoint, remaining);
    else this.servers.delete(endpoint);
  }

  get openConnections(): number {
    return this.open.size;
  }

  /** Servers with an open connection right now. */
  get liveServers(): number {
    return this.servers.size;
  }

  /** Requests in flight across the servers with open connections (core ends the others' requests). */
  get inFlight(): number {
    let total = 0;
    for (const server of this.servers.keys()) total += server.inFlight;
    return total;
  }

  /** See `HealthOptions.requireConnection`. */
  connectionRequired(setting: boolean | 'auto'): boolean {
    if (setting !== 'auto') return setting;
    return this.attached && !this.sawHttp;
  }

  /**
   * Closes every server with an open connection, then flushes every plugin once (through a live server,
   * or the last attached one if it still exists), also for servers observed with `closePlugins: false`.
   */
  async closeAll(onError: (error: unknown) => void): Promise<void> {
    const servers = [...this.servers.keys()].filter((server) => !server.closed);
    const flushing = servers[0] ?? this.last?.deref();
    await Promise.all(
      servers.map((server) =>
        Promise.resolve()
          .then(() => server.close())
          .catch(onError),
      ),
    );
    await Promise.resolve()
      .then(() => flushing?.flush())
      .catch(onError);
  }
}
