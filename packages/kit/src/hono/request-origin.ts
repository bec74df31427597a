/**
 * Who may drive a server from a browser: a middleware that checks the `Host` a request was sent
 * to and the `Origin` of the page that sent it, before any route runs.
 * - Host: a server on loopback answers only to its own names (DNS rebinding points an attacker's
 *   name at 127.0.0.1: the browser then sends that name as Host) — 403 otherwise.
 * - Origin: a WebSocket upgrade, or a request that may change something (any method but GET and
 *   HEAD), sent by a web page of another origin is refused (403); no Origin is a client that is no
 *   browser (the CLI, a node daemon), which is fine. Browsers send Origin on both.
 * The allowed sets come from the server (its config), per request.
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import { forbidden } from '../errors.js';

export interface RequestOriginOptions<E extends Env> {
  /**
   * The `host[:port]` values (lower case, as `URL.host` writes them: default ports left out,
   * IPv6 in brackets) this server answers to; null: any Host.
   */
  allowedHosts(c: Context<E>): ReadonlySet<string> | null;
  /** The origins (`scheme://host[:port]`, as `URL.origin` writes them) whose pages may call. */
  allowedOrigins(c: Context<E>): ReadonlySet<string>;
}

/** The `host[:port]` a request was sent to, as `URL.host` writes it (the Host header). */
function hostOf(c: Context): string {
  return new URL(c.req.url).host.toLowerCase();
}

/** `value` as `URL.origin` writes it, or null when it is no origin (`null`, garbage). */
function normalOrigin(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Middleware refusing requests to a Host not in `allowedHosts` and browser requests from an
 * Origin not in `allowedOrigins` (see the module comment).
 * @throws FlotillaError forbidden (403) naming what was refused
 */
export function checkRequestOrigin<E extends Env>(options: RequestOriginOptions<E>): MiddlewareHandler<E> {
  return async (c, next) => {
    const hosts = options.allowedHosts(c);
    const host = hostOf(c);
    if (hosts !== null && !hosts.has(host)) {
      throw forbidden(`this server answers only to ${[...hosts].join(', ')}, not to the host ${host}`);
    }
    const origin = c.req.header('origin');
    const changes = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    const upgrade = c.req.header('upgrade')?.toLowerCase() === 'websocket';
    if (origin !== undefined && (changes || upgrade)) {
      const normal = normalOrigin(origin);
      if (normal === null || !options.allowedOrigins(c).has(normal)) {
        throw forbidden(`requests from web pages of ${origin} are refused: only this server's own pages may call it`);
      }
    }
    await next();
  };
}
