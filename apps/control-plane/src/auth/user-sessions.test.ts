/**
 * Sessions of signed-in users (user-sessions.ts) on a control plane with an OpenID Connect
 * provider and no API token: the API needs a live session; an expired or revoked one gets 401; a
 * pending user gets 403 but `/api/me`; a write with the session cookie from another origin, or
 * with no Origin, is refused (CSRF); admins only for `/api/users`.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { apiWithEnv, expectJson } from '../../test/helpers.js';
import { hashSessionToken } from './user-sessions.js';
import { insertSession, revokeSession, upsertUser, type Profile } from './users-repository.js';

const OIDC = { AUTH_OIDC_ISSUER: 'https://idp.test', AUTH_OIDC_CLIENT_ID: 'client', AUTH_OIDC_CLIENT_SECRET: 'secret' };
const ORIGIN = 'http://control-plane.test';
const DAY_MS = 24 * 60 * 60 * 1000;

const profile = (login: string): Profile => ({ provider: 'oidc', subject: `sub-${login}-${crypto.randomUUID()}`, login, email: `${login}@example.com`, name: null, avatarUrl: null });

/** A session of `userId` whose cookie is `token`, ending `expiresInMs` from now. */
async function session(userId: string, token: string, expiresInMs = DAY_MS): Promise<string> {
  const now = new Date();
  return insertSession(env.DB, { userId, tokenHash: await hashSessionToken(token), now: now.toISOString(), expiresAt: new Date(now.getTime() + expiresInMs).toISOString(), userAgent: null });
}

const call = (path: string, token: string | null, init: { method?: string; origin?: string; body?: unknown } = {}) =>
  apiWithEnv(path, OIDC, { method: init.method, body: init.body, headers: { ...(token ? { cookie: `flotilla_user=${token}` } : {}), ...(init.origin ? { origin: init.origin } : {}) } });

describe('user sessions', () => {
  it('the API needs a live session: none, expired or revoked get 401', async () => {
    const user = await upsertUser(env.DB, profile('ann'), 'active', new Date().toISOString());
    await session(user.id, 'live-token');
    await session(user.id, 'expired-token', -1000);
    const revoked = await session(user.id, 'revoked-token');
    await revokeSession(env.DB, revoked, new Date().toISOString());

    expect((await call('/api/projects', null)).status).toBe(401);
    await expectJson(await call('/api/projects', 'live-token'), 200);
    expect((await call('/api/projects', 'expired-token')).status).toBe(401);
    expect((await call('/api/projects', 'revoked-token')).status).toBe(401);
    expect((await call('/api/projects', 'no-such-token')).status).toBe(401);
    expect(await expectJson(await call('/api/me', 'live-token'), 200)).toMatchObject({ id: user.id, login: 'ann' });
  });

  it('a write with the session cookie from another origin, or with no Origin, is refused (403)', async () => {
    const user = await upsertUser(env.DB, profile('ben'), 'active', new Date().toISOString());
    await session(user.id, 'ben-token');
    const body = { name: 'x', repoUrl: 'not a repository' };
    expect((await call('/api/projects', 'ben-token', { method: 'POST', body, origin: 'http://evil.example' })).status).toBe(403);
    const noOrigin = await expectJson<{ error: { message: string } }>(await call('/api/projects', 'ben-token', { method: 'POST', body }), 403);
    expect(noOrigin.error.message).toContain('Origin');
    // From its own pages the write reaches the route (which refuses the body itself).
    expect((await call('/api/projects', 'ben-token', { method: 'POST', body, origin: ORIGIN })).status).toBe(400);
  });

  it('a pending user sees /api/me but no API; users are for admins only', async () => {
    // Some user exists already (the tests above or the first one here), so this one is pending.
    await upsertUser(env.DB, profile('first'), 'active', new Date().toISOString());
    const pending = await upsertUser(env.DB, profile('cid'), 'pending', new Date().toISOString());
    expect(pending.status).toBe('pending');
    await session(pending.id, 'cid-token');
    expect(await expectJson(await call('/api/me', 'cid-token'), 200)).toMatchObject({ status: 'pending' });
    expect((await call('/api/projects', 'cid-token')).status).toBe(403);

    const member = await upsertUser(env.DB, profile('dee'), 'active', new Date().toISOString());
    expect(member.isAdmin).toBe(false);
    await session(member.id, 'dee-token');
    expect((await call('/api/users', 'dee-token')).status).toBe(403);
    expect((await call(`/api/users/${pending.id}/approve`, 'dee-token', { method: 'POST', origin: ORIGIN })).status).toBe(403);
  });

  it('sign-out everywhere revokes every session of the user', async () => {
    const user = await upsertUser(env.DB, profile('eve'), 'active', new Date().toISOString());
    await session(user.id, 'eve-one');
    await session(user.id, 'eve-two');
    expect((await call('/api/auth/sign-out-everywhere', 'eve-one', { method: 'POST', origin: ORIGIN })).status).toBe(204);
    expect((await call('/api/projects', 'eve-one')).status).toBe(401);
    expect((await call('/api/projects', 'eve-two')).status).toBe(401);
  });
});
