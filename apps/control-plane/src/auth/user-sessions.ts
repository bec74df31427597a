/**
 * Server-side sign-in sessions of users (issue 14, item 1). The browser's cookie
 * (contracts USER_SESSION_COOKIE: HttpOnly, SameSite=Lax so the provider's redirect back carries
 * it, Secure over https, Path=/) holds 32 random bytes; D1 keeps only their SHA-256, so a leaked
 * table signs nobody in. A session ends at `expires_at` (AUTH_SESSION_TTL_DAYS after sign-in) or
 * when revoked (sign-out, sign-out everywhere): its cookie then gets 401 everywhere.
 *
 * CSRF: a write (any method but GET/HEAD) or WebSocket upgrade authenticated by this cookie must
 * carry an Origin header — the kit's `checkRequestOrigin` (app.ts) has already refused a foreign
 * one — so a form or script on another site, or a client that hides its origin, cannot use it.
 */
import { USER_SESSION_COOKIE, type User } from '@flotilla/contracts';
import { forbidden, unauthorized } from '@flotilla/kit';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.js';
import { readConfig } from '../config.js';
import type { UserPrincipal } from './principal.js';
import { findSessionByHash, findUser, insertSession, revokeSession, touchSession, type SessionRow } from './users-repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const encoder = new TextEncoder();

/** SHA-256 of a session secret, hex: what `user_sessions.token_hash` holds. */
export async function hashSessionToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(token)));
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Start a session for `userId`: a row in D1 and the cookie on the answer.
 * Lifetime AUTH_SESSION_TTL_DAYS (default 30 days).
 */
export async function startUserSession(c: Context<AppEnv>, userId: string): Promise<void> {
  const ttlMs = readConfig(c.env).AUTH_SESSION_TTL_DAYS * DAY_MS;
  const token = randomToken();
  const now = new Date();
  await insertSession(c.env.DB, {
    userId,
    tokenHash: await hashSessionToken(token),
    now: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    userAgent: c.req.header('user-agent')?.slice(0, 500) ?? null,
  });
  setCookie(c, USER_SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: Math.floor(ttlMs / 1000),
  });
}

/** Clear the session cookie on the answer. */
export function clearUserSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, USER_SESSION_COOKIE, { path: '/', secure: new URL(c.req.url).protocol === 'https:' });
}

/** A live session and its user. */
export interface SignedIn {
  session: SessionRow;
  user: User;
}

/**
 * The session this request's cookie names; null when it has no cookie. Writes last_seen_at when it
 * is older than AUTH_SESSION_TOUCH_INTERVAL_MS.
 * @throws FlotillaError unauthorized (401) when the cookie names no session, or a revoked or expired one
 */
export async function readUserSession(c: Context<AppEnv>): Promise<SignedIn | null> {
  const token = getCookie(c, USER_SESSION_COOKIE);
  if (token === undefined || token === '') return null;
  const session = await findSessionByHash(c.env.DB, await hashSessionToken(token));
  const now = new Date();
  if (!session || session.revoked_at !== null || Date.parse(session.expires_at) <= now.getTime()) {
    throw unauthorized('your sign-in session has ended (signed out, or expired): sign in again');
  }
  const user = await findUser(c.env.DB, session.user_id);
  if (!user) throw unauthorized('your sign-in session has ended (the user is gone): sign in again');
  if (now.getTime() - Date.parse(session.last_seen_at) >= readConfig(c.env).AUTH_SESSION_TOUCH_INTERVAL_MS) {
    await touchSession(c.env.DB, session.id, now.toISOString());
  }
  return { session, user };
}

/** Whether this request changes something or opens a WebSocket (what CSRF is about). */
function isWriteOrUpgrade(c: Context<AppEnv>): boolean {
  return (c.req.method !== 'GET' && c.req.method !== 'HEAD') || c.req.header('upgrade')?.toLowerCase() === 'websocket';
}

/**
 * The principal of a request signed in by its user session cookie, for the `apiToken` auth kind;
 * null when the request has a bearer token or no session cookie (the API token decides then).
 * @throws FlotillaError unauthorized (401) for a revoked or expired session; forbidden (403) for a
 *   user waiting for approval, and for a cookie-authenticated write or WebSocket without an Origin
 */
export async function userSessionPrincipal(c: Context<AppEnv>): Promise<UserPrincipal | null> {
  if (c.req.header('authorization') !== undefined) return null;
  const signedIn = await readUserSession(c);
  if (!signedIn) return null;
  if (isWriteOrUpgrade(c) && c.req.header('origin') === undefined) {
    throw forbidden('a request signed in by the session cookie that changes something must come from this control plane\'s own pages (it has no Origin)');
  }
  if (signedIn.user.status !== 'active') throw forbidden('your account is waiting for an administrator to approve it');
  return { kind: 'user', userId: signedIn.user.id, operator: signedIn.user.isAdmin };
}

/** Revoke this request's session, if it has a live one (sign-out); the cookie is cleared either way. */
export async function endUserSession(c: Context<AppEnv>): Promise<void> {
  const token = getCookie(c, USER_SESSION_COOKIE);
  if (token) {
    const session = await findSessionByHash(c.env.DB, await hashSessionToken(token));
    if (session) await revokeSession(c.env.DB, session.id, new Date().toISOString());
  }
  clearUserSessionCookie(c);
}
