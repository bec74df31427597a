/** `GET /health` (public): `{status:"ok", nodeId, version}`. */
import type { DaemonRouteHandlers } from './handlers.js';

/** The health route's handler. */
export function healthHandlers(options: { nodeId: string; version: string }): DaemonRouteHandlers<'health'> {
  return { health: () => ({ status: 'ok', nodeId: options.nodeId, version: options.version }) };
}
