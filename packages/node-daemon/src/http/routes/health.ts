/** `GET /health` (no auth): `{status:"ok", nodeId, version}`. */
import { Hono } from 'hono';

export function healthRoutes(options: { nodeId: string; version: string }): Hono {
  return new Hono().get('/health', (c) => c.json({ status: 'ok', nodeId: options.nodeId, version: options.version }));
}
