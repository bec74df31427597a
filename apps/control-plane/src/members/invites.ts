/**
 * Accepting invites at sign-in (issue 14, item 2): someone invited before they ever signed in
 * becomes a member of each project that invited them when they sign in — by their GitHub login
 * (GitHub sign-in only, case-insensitive) or by their email, when their provider verified it.
 * Each acceptance is recorded in the project's audit log (`member.added`, by the new member).
 */
import type { User } from '@flotilla/contracts';
import { recordAuditEvent } from '../audit/record.js';
import { insertMember, takeInvitesFor } from './repository.js';

/**
 * Turn the open invites matching `user` into memberships (the invites are deleted; an invite for
 * a project they already belong to changes nothing).
 * @param emailVerified whether the provider vouched for `user.email` this sign-in
 * @returns how many projects they joined
 */
export async function acceptInvites(db: D1Database, user: User, emailVerified: boolean): Promise<number> {
  const invites = await takeInvitesFor(db, user.provider === 'github' ? user.login : null, emailVerified ? user.email : null);
  const now = new Date().toISOString();
  let joined = 0;
  for (const invite of invites) {
    if (!(await insertMember(db, { projectId: invite.projectId, userId: user.id, role: invite.role, addedBy: invite.invitedBy, addedAt: now }))) continue;
    joined += 1;
    await recordAuditEvent(db, { projectId: invite.projectId, actor: { userId: user.id, tokenId: null }, action: 'member.added', target: { kind: 'user', id: user.id }, detail: { login: user.login, role: invite.role } });
  }
  return joined;
}
