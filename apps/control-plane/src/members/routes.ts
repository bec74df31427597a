/**
 * Handlers of the members routes (contracts members.ts `membersApi`, issue 14 item 2). The access
 * check (access.ts) has already let the caller in with at least the route's level and left their
 * role in `projectRole`; the finer rules (who may make admins, the owner is untouchable) are
 * rules.ts. Every change is recorded in the audit log; removing a member closes their open
 * project WebSockets at once (close code 4403).
 * - `GET …/members` → members (owner first, then by role and login) and open invites;
 * - `POST …/members {githubLogin|email, role}` → 201: a member at once when the user has signed in
 *   before (GitHub login, case-insensitive; or an email their provider verified), else an invite;
 *   409 for someone already a member or already invited;
 * - `PATCH …/members/:userId {role}`, `DELETE …/members/:userId` → 404 for no such member, 409 for the owner;
 * - `DELETE …/invites/:inviteId` → 404 for no such invite of this project;
 * - `POST …/owner {userId}` → the owner only; to a member; the old owner becomes an admin.
 */
import type { ProjectMember } from '@flotilla/contracts';
import { conflict, FlotillaError, forbidden, notFound } from '@flotilla/kit';
import type { Context } from 'hono';
import type { AppEnv, PublicHandlers } from '../app-env.js';
import { recordFromRoute } from '../audit/record.js';
import { principalOf } from '../auth/principal.js';
import { depsFromEnv } from '../deps.js';
import { callerRole } from './access.js';
import { deleteInvite, deleteMember, findGithubUserId, findVerifiedEmailUserId, getInvite, getMember, insertInvite, insertMember, listInvites, listMembers, transferOwner, updateMemberRole } from './repository.js';
import { mayAssign, mayChangeRole, mayManage, mayTransfer, type Refusal } from './rules.js';

/** WebSocket close code and reason sent to a removed member's open project sockets. */
export const REMOVED_CLOSE_CODE = 4403;
export const REMOVED_CLOSE_REASON = 'removed from the project';

/** Throw a rule's refusal. */
function refuse(refusal: Refusal): void {
  if (refusal === null) return;
  throw refusal.status === 403 ? forbidden(refusal.message) : conflict(refusal.message);
}

/** The member `userId` of the project. @throws FlotillaError not_found (404) */
async function requireMember(c: Context<AppEnv>, projectId: string, userId: string): Promise<ProjectMember> {
  const member = await getMember(c.env.DB, projectId, userId);
  if (!member) throw notFound(`member ${userId} not found in project ${projectId}`);
  return member;
}

export const memberHandlers: PublicHandlers<'listMembers' | 'inviteMember' | 'updateMember' | 'removeMember' | 'cancelInvite' | 'transferOwnership'> = {
  listMembers: async ({ params }, c) => ({ members: await listMembers(c.env.DB, params.projectId), invites: await listInvites(c.env.DB, params.projectId) }),

  inviteMember: async ({ params, body }, c) => {
    const db = c.env.DB;
    refuse(mayAssign(callerRole(c), body.role));
    const { userId: actorId } = principalOf(c.get('principal'), 'user');
    const now = new Date().toISOString();
    const invitee = body.githubLogin ?? body.email ?? '';
    const userId = body.githubLogin !== undefined ? await findGithubUserId(db, body.githubLogin) : await findVerifiedEmailUserId(db, invitee);
    if (userId !== null) {
      if (!(await insertMember(db, { projectId: params.projectId, userId, role: body.role, addedBy: actorId, addedAt: now }))) throw conflict(`${invitee} is already a member of this project`);
      const member = await requireMember(c, params.projectId, userId);
      await recordFromRoute(c, { projectId: params.projectId, action: 'member.added', target: { kind: 'user', id: userId }, detail: { login: member.login, role: member.role } });
      return { member, invite: null };
    }
    const kind = body.githubLogin !== undefined ? 'github' : 'email';
    const invite = await insertInvite(db, { projectId: params.projectId, kind, value: invitee, role: body.role, invitedBy: actorId, createdAt: now });
    if (!invite) throw conflict(`${invitee} is already invited to this project`);
    await recordFromRoute(c, { projectId: params.projectId, action: 'member.invited', target: { kind: 'invite', id: invite.id }, detail: { invitee: invite.value, role: invite.role } });
    return { member: null, invite };
  },

  updateMember: async ({ params, body }, c) => {
    const target = await requireMember(c, params.projectId, params.userId);
    refuse(mayChangeRole(callerRole(c), target.role, body.role));
    if (target.role === body.role) return target;
    if (!(await updateMemberRole(c.env.DB, params.projectId, params.userId, body.role))) throw conflict(`member ${params.userId} changed while being updated: try again`);
    await recordFromRoute(c, { projectId: params.projectId, action: 'member.role_changed', target: { kind: 'user', id: target.userId }, detail: { login: target.login, role: body.role } });
    // Every role reads the project today, so a change of role closes no WebSocket.
    return { ...target, role: body.role };
  },

  removeMember: async ({ params }, c) => {
    const target = await requireMember(c, params.projectId, params.userId);
    refuse(mayManage(callerRole(c), target.role));
    if (!(await deleteMember(c.env.DB, params.projectId, params.userId))) throw notFound(`member ${params.userId} not found in project ${params.projectId}`);
    // Their open project WebSockets close now (the access check refuses their next request already).
    await depsFromEnv(c.env).stubs.projectData(params.projectId).closeUserSockets(target.userId, REMOVED_CLOSE_CODE, REMOVED_CLOSE_REASON);
    await recordFromRoute(c, { projectId: params.projectId, action: 'member.removed', target: { kind: 'user', id: target.userId }, detail: { login: target.login } });
    return null;
  },

  cancelInvite: async ({ params }, c) => {
    const invite = await getInvite(c.env.DB, params.projectId, params.inviteId);
    if (!invite) throw notFound(`invite ${params.inviteId} not found in project ${params.projectId}`);
    if (invite.role === 'admin' && callerRole(c) !== 'owner') throw forbidden("only the project's owner may withdraw an invite as admin");
    if (!(await deleteInvite(c.env.DB, params.projectId, params.inviteId))) throw notFound(`invite ${params.inviteId} not found in project ${params.projectId}`);
    await recordFromRoute(c, { projectId: params.projectId, action: 'invite.cancelled', target: { kind: 'invite', id: invite.id }, detail: { invitee: invite.value, role: invite.role } });
    return null;
  },

  transferOwnership: async ({ params, body }, c) => {
    const db = c.env.DB;
    const target = await getMember(db, params.projectId, body.userId);
    refuse(mayTransfer(callerRole(c), target?.role ?? null));
    if (!target) throw new FlotillaError('internal', 'transfer to no member passed the rules');
    await transferOwner(db, params.projectId, target.userId);
    await recordFromRoute(c, { projectId: params.projectId, action: 'project.ownership_transferred', target: { kind: 'user', id: target.userId }, detail: { login: target.login } });
    return { members: await listMembers(db, params.projectId), invites: await listInvites(db, params.projectId) };
  },
};
