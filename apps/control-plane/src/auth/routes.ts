/**
 * Handlers of sign-in with the API token (contracts `publicApi`, api-token.ts) and of the
 * public signing keys (`callbackApi.jwks`):
 * - `GET /api/session` → `{required, authenticated}` (never 401).
 * - `POST /api/session {token}` → 204 and the session cookie (HttpOnly, SameSite=Strict, Secure
 *   over https, 30 days); 401 for a wrong token; 400 for a bad body; 404 when the API needs no token.
 * - `DELETE /api/session` → 204, the cookie cleared.
 * - `GET /.well-known/jwks.json` → the keys node daemons check the control plane's tokens with.
 * Sign-ins, and refused ones, are recorded in the audit log (audit/) with the client's IP.
 */
import { API_SESSION_COOKIE } from '@flotilla/contracts';
import { notFound, unauthorized } from '@flotilla/kit';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CallbackHandlers, PublicHandlers } from '../app-env.js';
import { readConfig } from '../config.js';
import { recordAuditEvent } from '../audit/record.js';
import { depsFromEnv } from '../deps.js';
import { isAuthenticated, sameSecret, sessionValue } from './api-token.js';
import { IMPLICIT_USER_ID } from './principal.js';
import { publicJwks } from './tokens.js';
import { signInConfigured } from './sign-in-config.js';
import { readUserSession } from './user-sessions.js';

/** Lifetime of the session cookie: 30 days, in seconds. */
const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

export const sessionHandlers: PublicHandlers<'getApiSession' | 'signIn' | 'signOut'> = {
  getApiSession: async (_request, c) => {
    const config = readConfig(c.env);
    const token = config.apiToken;
    const withSignIn = signInConfigured(config.signIn);
    // A signed-in, active user counts (user-sessions.ts); an ended session does not.
    const user = withSignIn ? await readUserSession(c).catch(() => null) : null;
    if (user?.user.status === 'active') return { required: true, authenticated: true };
    return { required: token !== null || withSignIn, authenticated: token === null ? !withSignIn : await isAuthenticated(c, token) };
  },

  signIn: async ({ body }, c) => {
    const token = readConfig(c.env).apiToken;
    if (token === null) throw notFound('this control plane needs no API token');
    // The audit log records both outcomes, with the client's IP when Cloudflare gives it (never the token).
    const ip = c.req.header('cf-connecting-ip') ?? null;
    const target = { kind: 'session', id: 'api-token' } as const;
    if (!(await sameSecret(body.token, token))) {
      await recordAuditEvent(c.env.DB, { projectId: null, actor: { userId: null, tokenId: null }, action: 'sign_in.refused', target, detail: { ip, method: 'api-token' } });
      throw unauthorized('wrong API token');
    }
    await recordAuditEvent(c.env.DB, { projectId: null, actor: { userId: IMPLICIT_USER_ID, tokenId: null }, action: 'sign_in.succeeded', target, detail: { ip, method: 'api-token' } });
    setCookie(c, API_SESSION_COOKIE, await sessionValue(token), {
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: SESSION_MAX_AGE_S,
    });
    return null;
  },

  signOut: (_request, c) => {
    deleteCookie(c, API_SESSION_COOKIE, { path: '/' });
    return null;
  },
};

export const jwksHandlers: CallbackHandlers<'jwks'> = {
  jwks: (_request, c) => publicJwks(depsFromEnv(c.env)),
};
