/**
 * Handlers of the signed-in user and of users (contracts `publicApi`, issue 14 item 1):
 * - `GET /api/me` → the user of this browser's session, also while pending; 401 without one.
 * - `POST /api/auth/sign-out` → 204: this session revoked server-side, its cookie cleared.
 * - `POST /api/auth/sign-out-everywhere` → 204: every session of the user revoked, and their open
 *   project WebSockets closed (code 4401, in the projects they are a member of); 401 without one.
 * - `GET /api/users`, `POST /api/users/:userId/approve` → admins only (403 for other users; the
 *   operator with FLOTILLA_API_TOKEN, principal `local`, may too); 404 for an unknown user.
 * The sign-outs are writes authenticated by the cookie: they need an Origin (user-sessions.ts).
 */
import { forbidden, notFound, unauthorized } from '@flotilla/kit';
import type { Context } from 'hono';
import type { AppEnv, PublicHandlers } from '../app-env.js';
import { IMPLICIT_USER_ID, principalOf } from './principal.js';
import { clearUserSessionCookie, endUserSession, readUserSession } from './user-sessions.js';
import { approveUser, findUser, listUsers, revokeUserSessions } from './users-repository.js';
import { recordFromRoute } from '../audit/record.js';
import { depsFromEnv } from '../deps.js';
import { rolesOfUser } from '../members/repository.js';

/** WebSocket close code and reason sent to a user's project sockets when they sign out everywhere. */
export const SIGNED_OUT_CLOSE_CODE = 4401;
export const SIGNED_OUT_CLOSE_REASON = 'signed out everywhere';

/** @throws FlotillaError forbidden (403) unless the caller is an admin or the operator */
async function requireAdmin(c: Context<AppEnv>): Promise<void> {
  const { userId } = principalOf(c.get('principal'), 'user');
  if (userId === IMPLICIT_USER_ID) return;
  const user = await findUser(c.env.DB, userId);
  if (!user?.isAdmin) throw forbidden('only an admin may manage users');
}

/** @throws FlotillaError forbidden (403) for a cookie-authenticated write without an Origin */
function requireOrigin(c: Context<AppEnv>): void {
  if (c.req.header('origin') === undefined) throw forbidden("signing out must come from this control plane's own pages (the request has no Origin)");
}

export const userHandlers: PublicHandlers<'getMe' | 'signOutUser' | 'signOutEverywhere' | 'listUsers' | 'approveUser'> = {
  getMe: async (_request, c) => {
    const signedIn = await readUserSession(c);
    if (!signedIn) throw unauthorized('not signed in');
    return signedIn.user;
  },

  signOutUser: async (_request, c) => {
    requireOrigin(c);
    await endUserSession(c);
    return null;
  },

  signOutEverywhere: async (_request, c) => {
    requireOrigin(c);
    const signedIn = await readUserSession(c);
    if (!signedIn) throw unauthorized('not signed in');
    await revokeUserSessions(c.env.DB, signedIn.user.id, new Date().toISOString());
    // Their open project WebSockets close too (those of the projects they are a member of).
    const { stubs } = depsFromEnv(c.env);
    for (const projectId of (await rolesOfUser(c.env.DB, signedIn.user.id)).keys()) {
      await stubs.projectData(projectId).closeUserSockets(signedIn.user.id, SIGNED_OUT_CLOSE_CODE, SIGNED_OUT_CLOSE_REASON);
    }
    clearUserSessionCookie(c);
    return null;
  },

  listUsers: async (_request, c) => {
    await requireAdmin(c);
    return { users: await listUsers(c.env.DB) };
  },

  approveUser: async ({ params }, c) => {
    await requireAdmin(c);
    const user = await approveUser(c.env.DB, params.userId);
    if (!user) throw notFound(`no user ${params.userId}`);
    await recordFromRoute(c, { projectId: null, action: 'user.approved', target: { kind: 'user', id: user.id }, detail: { login: user.login } });
    return user;
  },
};
