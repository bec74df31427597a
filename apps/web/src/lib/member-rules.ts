/**
 * Who may do what to whom in a project's Members section (issue 14, item 2), as the control plane
 * decides it (contracts members.ts): admins and the owner manage members; only the owner makes or
 * removes admins; the owner's own role changes only by a transfer. Also how the invite form's one
 * field ("GitHub login or email") becomes a request, and the plain words of each role.
 */
import { InviteMemberRequest, type AssignableRole, type ProjectMember, type ProjectRole } from '@flotilla/contracts';

/** How the web app names each role. */
export const ROLE_WORDS: Readonly<Record<ProjectRole, string>> = { owner: 'Owner', admin: 'Admin', member: 'Member', viewer: 'Viewer' };

/** What each role may do, in one line (the role select's hint). */
export const ROLE_HINTS: Readonly<Record<ProjectRole, string>> = {
  owner: 'everything, and hands the project over',
  admin: 'settings, members and the audit log',
  member: 'runs tasks and chats',
  viewer: 'reads only',
};

/** The roles `caller` may give someone: the owner any but owner, an admin member or viewer, anyone else none. */
export function assignableRoles(caller: ProjectRole | null): AssignableRole[] {
  if (caller === 'owner') return ['admin', 'member', 'viewer'];
  if (caller === 'admin') return ['member', 'viewer'];
  return [];
}

/** Whether `caller` may change `member`'s role or remove them: never the owner; an admin only when the caller is the owner. */
export function mayManageMember(caller: ProjectRole | null, member: Pick<ProjectMember, 'role'>): boolean {
  if (member.role === 'owner') return false;
  if (member.role === 'admin') return caller === 'owner';
  return caller === 'owner' || caller === 'admin';
}

/**
 * The request of the invite form: `who` is an email address when it has an "@", a GitHub login
 * otherwise (a leading "@" is dropped: "@octocat" is octocat).
 * @returns the request, or the schema's first message in plain words when `who` is neither
 */
export function inviteRequestOf(who: string, role: AssignableRole): { request: InviteMemberRequest } | { error: string } {
  const trimmed = who.trim().replace(/^@(?=[^@]*$)/, '');
  if (trimmed === '') return { error: 'Give a GitHub login or an email address.' };
  const body = trimmed.includes('@') ? { email: trimmed, role } : { githubLogin: trimmed, role };
  const parsed = InviteMemberRequest.safeParse(body);
  if (!parsed.success) return { error: trimmed.includes('@') ? 'That is not an email address.' : 'That is not a GitHub login (letters, digits and dashes).' };
  return { request: parsed.data };
}
