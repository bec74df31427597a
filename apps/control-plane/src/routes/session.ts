/**
 * `/api/session`: the web app's login with the API token (auth/api-token.ts).
 * - `GET` → `{required, authenticated}` (never 401).
 * - `POST {token}` → 204 and the session cookie (HttpOnly, SameSite=Strict, Secure over https,
 *   30 days); 401 for a wrong token; 400 for a bad body; 404 when the API needs no token.
 * - `DELETE` → 204, the cookie cleared.
 */
import { API_SESSION_COOKIE, CreateApiSessionRequest, type ApiSessionInfo } from '@flotilla/contracts';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.js';
import { apiToken, isAuthenticated, sameSecret, sessionValue } from '../auth/api-token.js';
import { notFound, unauthorized } from '../lib/errors.js';
import { parseJsonBody } from '../lib/validation.js';

const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

export const sessionRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const token = apiToken(c.env);
    const info: ApiSessionInfo = { required: token !== null, authenticated: token === null || (await isAuthenticated(c, token)) };
    return c.json(info);
  })
  .post('/', async (c) => {
    const token = apiToken(c.env);
    if (token === null) throw notFound('this control plane needs no API token');
    const body = await parseJsonBody(c, CreateApiSessionRequest);
    if (!(await sameSecret(body.token, token))) throw unauthorized('wrong API token');
    setCookie(c, API_SESSION_COOKIE, await sessionValue(token), {
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: SESSION_MAX_AGE_S,
    });
    return c.body(null, 204);
  })
  .delete('/', (c) => {
    deleteCookie(c, API_SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });
