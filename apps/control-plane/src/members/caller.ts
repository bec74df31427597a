/**
 * Who the caller of a route is, as tasks (`createdBy`) and chat messages (`author`) record them:
 * a UserRef of the signed-in user (cookie or personal token), or null for the implicit local
 * user and the shared API token (the operator without a user row).
 */
import type { UserRef } from '@flotilla/contracts';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { IMPLICIT_USER_ID, principalOf } from '../auth/principal.js';
import { userRefs } from './repository.js';

/** The route's caller as a UserRef, or null when they are the implicit user (or have no user row). One read. */
export async function callerRef(c: Context<AppEnv>): Promise<UserRef | null> {
  const { userId } = principalOf(c.get('principal'), 'user');
  if (userId === IMPLICIT_USER_ID) return null;
  return (await userRefs(c.env.DB, [userId])).get(userId) ?? null;
}
