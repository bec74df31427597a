/**
 * Binding a workspace server (model gateway, egress proxy): on a Unix socket in the workspace's
 * socket directory where the agent is sandboxed (bridged into its network namespace), or on a free
 * port of 127.0.0.1 on an unconfined node (no namespace to bridge into).
 */
import { chmodSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Endpoint = { kind: 'socket'; path: string } | { kind: 'tcp'; port: number };

/**
 * Start `server` listening on a Unix socket at `socketPath` (an old socket file there is removed
 * first; the new one is made owner-only), or on 127.0.0.1 with a free port when `socketPath` is null.
 *
 * @throws the listen error (e.g. the socket directory is gone)
 */
export async function listenOn(server: Server, socketPath: string | null): Promise<Endpoint> {
  if (socketPath !== null) rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    if (socketPath !== null) server.listen(socketPath, listening);
    else server.listen(0, '127.0.0.1', listening);
  });
  if (socketPath !== null) {
    chmodSync(socketPath, 0o600);
    return { kind: 'socket', path: socketPath };
  }
  return { kind: 'tcp', port: (server.address() as AddressInfo).port };
}

/** Stop `server`: no new connections, open ones cut. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
