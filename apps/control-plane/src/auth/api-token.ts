/**
 * The API token that guards the public API (contracts api-auth.ts): the `apiToken` auth kind of
 * the route table. Off when FLOTILLA_API_TOKEN is not set — the local default, where
 * `flotilla up` listens on 127.0.0.1 only; set it whenever the control plane is reachable from
 * elsewhere (a tunnel for cloud nodes, a deployment). Routes of other auth kinds (sign-in,
 * health, the daemon download, node callbacks with their own JWTs) never ask for it.
 * The session cookie holds HMAC-SHA256(token, "flotilla-session-v1"), never the token itself.
 */
import { API_SESSION_COOKIE } from '@flotilla/contracts';
import { unauthorized } from '@flotilla/kit';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.js';
import { readConfig } from '../config.js';
import { personalTokenPrincipal } from './personal-tokens.js';
import { IMPLICIT_USER_ID, type UserPrincipal } from './principal.js';
import { signInConfigured } from './sign-in-config.js';
import { checkTokenScope } from './token-scope.js';
import { userSessionPrincipal } from './user-sessions.js';

const encoder = new TextEncoder();

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
 * Refuse a request that lacks the API token, when one is configured; a personal token
 * (personal-tokens.ts) is checked whether or not one is.
 * @returns the principal of a personal token, or null for the shared token, the cookie or an open API
 * @throws FlotillaError unauthorized (401) saying what to send, or why a personal token is refused
 */
export async function checkApiToken(c: Context<AppEnv>): Promise<UserPrincipal | null> {
  const config = readConfig(c.env);
  const token = config.apiToken;
  const personal = await personalTokenPrincipal(c, async (bearer) => token !== null && (await sameSecret(bearer, token)));
  if (personal !== null) return personal;
  // With a sign-in provider and no token, only a signed-in user (user-sessions.ts) or a personal token gets in.
  if (token === null ? signInConfigured(config.signIn) : !(await isAuthenticated(c, token))) {
    throw unauthorized('this control plane requires its API token: send Authorization: Bearer <FLOTILLA_API_TOKEN> (the CLI reads FLOTILLA_API_TOKEN; the web app asks for it)');
  }
  return personal;
}

/**
 * Middleware of the `apiToken` auth kind: a signed-in user (their session cookie), a personal
 * token's user within its scope, or the (implicit) user once the shared token checks out.
 */
export const requireApiToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = await userSessionPrincipal(c); // a user's session cookie (auth/user-sessions.ts)
  if (user) {
    c.set('principal', user);
    return next();
  }
  const personal = await checkApiToken(c);
  c.set('principal', personal ?? { kind: 'user', userId: IMPLICIT_USER_ID, operator: true });
  if (personal) await checkTokenScope(c, personal);
  await next();
};
