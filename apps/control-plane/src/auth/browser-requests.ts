/**
 * Which web pages may drive this control plane (issue 12, DESIGN.md §7), as the kit's
 * `checkRequestOrigin` middleware asks it (app.ts):
 * - Host: in local mode the API answers only to its own address — 127.0.0.1, localhost or [::1]
 *   with its port (LISTEN_PORT, or BASE_URL's port when BASE_URL is on loopback), or BASE_URL's
 *   host (a tunnel) — so a page on another name that resolves to 127.0.0.1 (DNS rebinding) gets
 *   403. A deployment answers to any Host its route sends it.
 * - Origin: browser requests that change something, and WebSocket upgrades, only from the
 *   control plane's own pages: the origin the request was sent to, or BASE_URL's.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { readConfig, type Config } from '../config.js';
import { isLoopbackHost } from '../nodes/credential-channel.js';

/** The names of this machine's loopback interface, as `URL.host` writes them (without the port). */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** BASE_URL parsed, or null when it is unset or no URL. */
function baseUrlOf(config: Config): URL | null {
  if (!config.baseUrl.ok) return null;
  try {
    return new URL(config.baseUrl.value);
  } catch {
    return null;
  }
}

/** The port of `url`, its scheme's default when it names none. */
const portOf = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');

/**
 * The Host values a local control plane answers to; null (any) for a deployment.
 * `URL.host` leaves default ports out, so port 80 is matched without one.
 */
export function allowedHosts(config: Config): ReadonlySet<string> | null {
  if (!config.isLocalMode) return null;
  const base = baseUrlOf(config);
  const ports = new Set<string>();
  if (config.listenPort !== null) ports.add(String(config.listenPort));
  if (base && isLoopbackHost(base.hostname)) ports.add(portOf(base));
  const hosts = new Set<string>();
  for (const port of ports) for (const name of LOOPBACK_NAMES) hosts.add(new URL(`http://${name}:${port}`).host);
  if (base) hosts.add(base.host.toLowerCase());
  return hosts;
}

/** The origins whose pages may call: the one `requestUrl` was sent to, and BASE_URL's. */
export function allowedOrigins(config: Config, requestUrl: string): ReadonlySet<string> {
  const origins = new Set([new URL(requestUrl).origin]);
  const base = baseUrlOf(config);
  if (base) origins.add(base.origin);
  return origins;
}

/** The options of the kit's `checkRequestOrigin` for this Worker. */
export const browserRequestRules = {
  allowedHosts: (c: Context<AppEnv>) => allowedHosts(readConfig(c.env)),
  allowedOrigins: (c: Context<AppEnv>) => allowedOrigins(readConfig(c.env), c.req.url),
};
