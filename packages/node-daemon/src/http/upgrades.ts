/**
 * The WebSocket routes of `nodeDaemonApi` (contracts routes/node-daemon-api.ts: `agentStream`,
 * `terminal`), served on the server's `upgrade` events rather than by Hono: each upgrade request
 * is matched against the table's paths and handed, with its path parameters, to the handler of
 * its route (the `ws` servers of agent-stream-socket.ts and terminals/terminal-socket.ts). An
 * upgrade to any other path is refused with 404, a malformed path parameter with 400.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerType } from '@hono/node-server';
import { nodeDaemonApi, pathParamNames } from '@flotilla/contracts';
import { badRequest, notFound } from '@flotilla/kit';
import { refuseUpgrade } from './upgrade-refusal.js';

/** The table's WebSocket routes, by name. */
export type WebSocketRoute = 'agentStream' | 'terminal';

/** An upgrade request of one route: its URL (query included) and decoded path parameters. */
export interface UpgradeRequest {
  request: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  url: URL;
  params: Record<string, string>;
}

/** Serves the upgrades of one route (refusing them itself, with `refuseUpgrade`, when it must). */
export type UpgradeHandler = (upgrade: UpgradeRequest) => void;

/** A path template (`/workspaces/:workspaceId/agent/ws`) as an anchored regular expression. */
function templatePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '([^/]+)' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

const ROUTES = (['agentStream', 'terminal'] as const).map((name) => {
  const spec = nodeDaemonApi[name];
  return { name, pattern: templatePattern(spec.path), paramNames: pathParamNames(spec.path) };
});

/**
 * The route and decoded parameters of an upgrade path, or null when no WebSocket route has it.
 * @throws FlotillaError bad_request when a parameter is not valid percent-encoding
 */
export function matchWebSocketRoute(pathname: string): { name: WebSocketRoute; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, index) => {
      try {
        params[name] = decodeURIComponent(match[index + 1] ?? '');
      } catch {
        throw badRequest(`${name}: not a valid path segment`);
      }
    });
    return { name: route.name, params };
  }
  return null;
}

/** Hand every upgrade request of `server` to the handler of its route; refuse the others. */
export function serveUpgrades(server: ServerType, handlers: Record<WebSocketRoute, UpgradeHandler>): void {
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://node-daemon');
    let matched: ReturnType<typeof matchWebSocketRoute>;
    try {
      matched = matchWebSocketRoute(url.pathname);
    } catch (error) {
      return refuseUpgrade(socket, error as ReturnType<typeof badRequest>);
    }
    if (!matched) return refuseUpgrade(socket, notFound(`no WebSocket route ${url.pathname}`));
    handlers[matched.name]({ request, socket, head, url, params: matched.params });
  });
}
