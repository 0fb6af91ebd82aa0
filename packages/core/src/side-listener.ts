/** An HTTP listener beside the MCP transport, for servers without an HTTP server of their own (stdio). */
import type { AddressInfo } from 'node:net';
import { nodeHandler } from './node-handler.js';
import type { RouteSource } from './route-table.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

export interface SideListener {
  readonly ready: Promise<ListenAddress>;
  close(): Promise<void>;
}

export function startSideListener(
  source: RouteSource,
  listen: { readonly port: number; readonly host?: string },
  onError: (error: unknown) => void,
): SideListener {
  const host = listen.host ?? '127.0.0.1';
  let stop: () => Promise<void> = async () => undefined;
  const ready = import('node:http').then(
    ({ createServer }) =>
      new Promise<ListenAddress>((resolve, reject) => {
        const server = createServer(nodeHandler(source));
        server.once('error', reject);
        server.listen(listen.port, host, () => {
          server.off('error', reject);
          server.on('error', onError);
          server.unref();
          const { port } = server.address() as AddressInfo;
          const urlHost = host.includes(':') ? `[${host}]` : host;
          resolve({ host, port, url: `http://${urlHost}:${port}` });
        });
        stop = () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
      }),
  );
  ready.catch(onError);
  return {
    ready,
    close: () =>
      ready.then(
        () => stop(),
        () => undefined,
      ),
  };
}
