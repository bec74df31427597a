/**
 * The first program of a sandbox with bridges: a POSIX shell script that starts one socat per
 * bridge — listening on 127.0.0.1:<port> in the sandbox's own network namespace, forwarding each
 * connection to a Unix socket of the daemon bound into the sandbox (its egress proxy, its model
 * gateway) —, waits until they listen (reading /proc/net/tcp, at most ~5 s), then `exec`s the
 * sandboxed command in its place. socat (Debian `socat`) is a well-kept relay; the script only
 * starts it.
 */
import type { SandboxBridge } from './bridge.js';

/** Exit code of the script when a bridge did not start listening. */
export const BRIDGE_FAILED_EXIT = 97;

/** `sh -c` script; its positional parameters are the command to exec. */
export function bridgeScript(socat: string, bridges: readonly SandboxBridge[]): string {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const starts = bridges.map(
    (b) => `${quote(socat)} TCP-LISTEN:${b.port},bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:${quote(b.socketInSandbox)} </dev/null >/dev/null 2>&1 &`,
  );
  const waits = bridges.map((b) => {
    const hex = b.port.toString(16).toUpperCase().padStart(4, '0');
    return `i=0; until grep -q ':${hex} 00000000:0000 0A' /proc/net/tcp; do i=$((i+1)); if [ $i -gt 500 ]; then echo 'flotilla sandbox: the bridge on port ${b.port} did not start' >&2; exit ${BRIDGE_FAILED_EXIT}; fi; sleep 0.01; done`;
  });
  return [...starts, ...waits, 'exec "$@"'].join('\n');
}
