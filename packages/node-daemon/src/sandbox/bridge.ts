/**
 * A sandbox's bridge (DESIGN.md §7): the only way out of a sandbox's own network namespace — a TCP
 * port on its loopback relayed to a Unix socket of the daemon (its egress proxy, its model
 * gateway). Its own module so that the sandbox (sandbox.ts) and the script that starts the relays
 * (bridge-script.ts) share it without importing each other.
 */

/** A TCP port on the sandbox's loopback relayed to a Unix socket of the daemon. */
export interface SandboxBridge {
  /** Port on 127.0.0.1 inside the sandbox. */
  port: number;
  /** The daemon's Unix socket, outside (bound into the sandbox under `SANDBOX_RUN_DIR`, /run/flotilla). */
  socket: string;
  /** The socket's path inside the sandbox (set by `Sandbox.wrap`). */
  socketInSandbox: string;
}
