/**
 * The API token that guards the public API (contracts api-auth.ts). Off when FLOTILLA_API_TOKEN
 * is not set — the local default, where `flotilla up` listens on 127.0.0.1 only; set it whenever
 * the control plane is reachable from elsewhere (a tunnel for cloud nodes, a deployment).
 *
 * Exempt: node callbacks (`/api/nodes/:id/ready|heartbeat`, `/api/workspaces/:id/ready|messages`,
 * `/api/tasks/:id/callback`), which carry their own JWTs; the daemon artifact
 * (`/api/node-daemon/…`), which VMs download; and `/api/session`, where the web app logs in.
 * The session cookie holds HMAC-SHA256(token, "flotilla-session-v1"), never the token itself.
 */
import { API_SESSION_COOKIE } from '@flotilla/contracts';
import type { Context, Next } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.js';
import type { Env } from '../env.js';
import { unauthorized } from '../lib/errors.js';

const EXEMPT: ReadonlyArray<{ method: string; path: RegExp }> = [
  { method: 'POST', path: /^\/api\/nodes\/[^/]+\/(ready|heartbeat)$/ },
  { method: 'POST', path: /^\/api\/workspaces\/[^/]+\/(ready|messages)$/ },
  { method: 'POST', path: /^\/api\/tasks\/[^/]+\/callback$/ },
  { method: 'GET', path: /^\/api\/node-daemon(\/.*)?$/ },
  { method: '*', path: /^\/api\/session$/ },
];

const encoder = new TextEncoder();

/** The configured API token, or null when the API is open. */
export function apiToken(env: Env): string | null {
  const token = env.FLOTILLA_API_TOKEN;
  return typeof token === 'string' && token !== '' ? token : null;
}

/** Constant-time equality of two secrets (as UTF-8 bytes), e.g. a presented token and the configured one. */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  // Compare digests: equal lengths for timingSafeEqual, and no early exit on the first difference.
  const [da, db] = await Promise.all([crypto.subtle.digest('SHA-256', encoder.encode(a)), crypto.subtle.digest('SHA-256', encoder.encode(b))]);
  return crypto.subtle.timingSafeEqual(da, db);
}

/** The session cookie's value for `token`: base64url HMAC-SHA256 of a fixed label, keyed by the token. */
export async function sessionValue(token: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode('flotilla-session-v1')));
  return btoa(String.fromCharCode(...mac)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Whether this request carries the token (bearer) or a valid session cookie. */
export async function isAuthenticated(c: Context<AppEnv>, token: string): Promise<boolean> {
  const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (bearer !== undefined) return sameSecret(bearer, token);
  const cookie = getCookie(c, API_SESSION_COOKIE);
  return cookie !== undefined && sameSecret(cookie, await sessionValue(token));
}

/**
 * Hono middleware for `/api/*`: when an API token is configured, a request that is not exempt
 * and carries neither the token nor the session cookie gets 401 saying what to send.
 */
export async function requireApiToken(c: Context<AppEnv>, next: Next): Promise<void> {
  const token = apiToken(c.env);
  const path = new URL(c.req.url).pathname;
  const exempt = EXEMPT.some((rule) => (rule.method === '*' || rule.method === c.req.method) && rule.path.test(path));
  if (token !== null && !exempt && !(await isAuthenticated(c, token))) {
    throw unauthorized('this control plane requires its API token: send Authorization: Bearer <FLOTILLA_API_TOKEN> (the CLI reads FLOTILLA_API_TOKEN; the web app asks for it)');
  }
  await next();
}
