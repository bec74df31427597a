/**
 * Project members and roles (issue 14, item 2). A project belongs to its members: an `owner`
 * (exactly one), `admin`s (manage settings, triggers, webhooks, members, read the audit log),
 * `member`s (run tasks, chat, make and delete workspaces) and `viewer`s (read everything but the
 * audit log; no writes). People are invited by GitHub login or email: someone who has signed in
 * before becomes a member at once, anyone else when they first sign in with that login or verified
 * email (a pending invite until then). Who may call each public route is {@link routeAccess}
 * (routes/access.ts); a caller who is no member of a project gets 404 for it, as if it did not
 * exist. Schemas of `…/members`, `…/invites/:inviteId` and `…/owner`.
 */
import * as z from 'zod';
import { route } from './routes/route.js';

/** A member's role in a project, from most to least rights. */
export const ProjectRole = z.enum(['owner', 'admin', 'member', 'viewer']);
export type ProjectRole = z.infer<typeof ProjectRole>;

/** Rank of a role: a higher rank has every right of a lower one. */
export const PROJECT_ROLE_RANK: Readonly<Record<ProjectRole, number>> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** Whether `role` has at least the rights of `needed`. */
export function roleAtLeast(role: ProjectRole, needed: ProjectRole): boolean {
  return PROJECT_ROLE_RANK[role] >= PROJECT_ROLE_RANK[needed];
}

/** A role one can be invited with or changed to (the owner changes only by a transfer). */
export const AssignableRole = z.enum(['admin', 'member', 'viewer']);
export type AssignableRole = z.infer<typeof AssignableRole>;

/**
 * Whose stored credentials (agent keys, repository tokens, cloud tokens) a project's runs use
 * (issue 14, item 3): `owner` — the project owner's, for every task; `creator` — each task's own
 * creator's (a workspace made by hand: its maker's). Tasks of no user (made by a trigger, the
 * shared API token or local mode's implicit user) use the owner's. A project with no owner (made
 * by the operator) uses the operator's. A node only ever holds one user's credentials: a warm node
 * is reused only by runs on the same user's credentials.
 */
export const CredentialsFrom = z.enum(['owner', 'creator']);
export type CredentialsFrom = z.infer<typeof CredentialsFrom>;

/** Who a user is, as members, task creators and chat message authors show them. */
export const UserRef = z.object({
  userId: z.string(),
  login: z.string(),
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
});
export type UserRef = z.infer<typeof UserRef>;

/** A member of a project. `addedBy`: the user who invited them (null for the project's creator). */
export const ProjectMember = UserRef.extend({
  email: z.string().nullable(),
  role: ProjectRole,
  addedBy: z.string().nullable(),
  addedAt: z.string(),
});
export type ProjectMember = z.infer<typeof ProjectMember>;

/** An invite waiting for its person to sign in: by GitHub login (case-insensitive) or email. */
export const ProjectInvite = z.object({
  id: z.string(),
  kind: z.enum(['github', 'email']),
  /** The GitHub login or the email address, lower-cased. */
  value: z.string(),
  role: AssignableRole,
  invitedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type ProjectInvite = z.infer<typeof ProjectInvite>;

/** `GET /api/projects/:projectId/members`: the members (owner first, then by role and login) and the open invites. */
export const MemberList = z.object({
  members: z.array(ProjectMember),
  invites: z.array(ProjectInvite),
});
export type MemberList = z.infer<typeof MemberList>;

const githubLogin = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'githubLogin must be a GitHub login (letters, digits and dashes, at most 39)');

/**
 * `POST /api/projects/:projectId/members`: invite by exactly one of `githubLogin` or `email`.
 * A user already known (signed in before) with that login — or that verified email — becomes a
 * member at once (`member` in the answer); otherwise an invite waits (`invite`).
 */
export const InviteMemberRequest = z
  .object({
    githubLogin: githubLogin.optional(),
    email: z.email('email must be an email address').max(320).optional(),
    role: AssignableRole,
  })
  .refine((body) => (body.githubLogin === undefined) !== (body.email === undefined), { message: 'give exactly one of githubLogin or email' });
export type InviteMemberRequest = z.infer<typeof InviteMemberRequest>;

/** Answer of `POST …/members`: the new member, or the invite waiting for them. */
export const InviteMemberResponse = z.object({
  member: ProjectMember.nullable(),
  invite: ProjectInvite.nullable(),
});
export type InviteMemberResponse = z.infer<typeof InviteMemberResponse>;

/** `PATCH /api/projects/:projectId/members/:userId`: a new role (not the owner's: transfer ownership instead). */
export const UpdateMemberRequest = z.object({ role: AssignableRole });
export type UpdateMemberRequest = z.infer<typeof UpdateMemberRequest>;

/** `POST /api/projects/:projectId/owner`: make another member the owner; the old owner becomes an admin. */
export const TransferOwnershipRequest = z.object({ userId: z.string().min(1) });
export type TransferOwnershipRequest = z.infer<typeof TransferOwnershipRequest>;

const membersRoute = '/api/projects/:projectId/members';

/** The members routes, spread into `publicApi`. */
export const membersApi = {
  listMembers: route({ method: 'GET', path: membersRoute, auth: 'apiToken', response: MemberList, status: [200], summary: "a project's members and open invites" }),
  inviteMember: route({ method: 'POST', path: membersRoute, auth: 'apiToken', body: InviteMemberRequest, response: InviteMemberResponse, status: [201], summary: 'add a member by GitHub login or email (an invite until they first sign in)' }),
  updateMember: route({ method: 'PATCH', path: `${membersRoute}/:userId`, auth: 'apiToken', body: UpdateMemberRequest, response: ProjectMember, status: [200], summary: "change a member's role" }),
  removeMember: route({ method: 'DELETE', path: `${membersRoute}/:userId`, auth: 'apiToken', response: { kind: 'empty' }, status: [204], summary: 'remove a member: their access ends at once, open WebSockets too' }),
  cancelInvite: route({ method: 'DELETE', path: '/api/projects/:projectId/invites/:inviteId', auth: 'apiToken', response: { kind: 'empty' }, status: [204], summary: 'withdraw an invite' }),
  transferOwnership: route({ method: 'POST', path: '/api/projects/:projectId/owner', auth: 'apiToken', body: TransferOwnershipRequest, response: MemberList, status: [200], summary: 'make another member the owner (the owner only; the old owner becomes an admin)' }),
};
