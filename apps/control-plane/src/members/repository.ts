/**
 * D1 storage of project members and invites (migration 0020: `project_members`,
 * `project_invites`): every SQL statement on them, plus the lookups of users by GitHub login or
 * verified email that invites need. The rules (who may do what) live in rules.ts.
 */
import { newId, PROJECT_ROLE_RANK, type AssignableRole, type ProjectInvite, type ProjectMember, type ProjectRole, type UserRef } from '@flotilla/contracts';

interface MemberRow {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  added_by: string | null;
  added_at: string;
  login: string | null;
  name: string | null;
  avatar_url: string | null;
  email: string | null;
}

interface InviteRow {
  id: string;
  project_id: string;
  kind: 'github' | 'email';
  value: string;
  role: AssignableRole;
  invited_by: string | null;
  created_at: string;
}

function toMember(row: MemberRow): ProjectMember {
  return {
    userId: row.user_id,
    login: row.login ?? row.user_id,
    name: row.name,
    avatarUrl: row.avatar_url,
    email: row.email,
    role: row.role,
    addedBy: row.added_by,
    addedAt: row.added_at,
  };
}

/** An invite as the API shows it. */
export function toInvite(row: InviteRow): ProjectInvite {
  return { id: row.id, kind: row.kind, value: row.value, role: row.role, invitedBy: row.invited_by, createdAt: row.created_at };
}

const MEMBER_SELECT = `SELECT m.project_id, m.user_id, m.role, m.added_by, m.added_at, u.login, u.name, u.avatar_url, u.email
  FROM project_members m LEFT JOIN users u ON u.id = m.user_id`;

/** `userId`'s role in `projectId`, or null when they are no member. One indexed read (the access check runs it on every request). */
export async function memberRole(db: D1Database, projectId: string, userId: string): Promise<ProjectRole | null> {
  const row = await db.prepare('SELECT role FROM project_members WHERE project_id = ? AND user_id = ?').bind(projectId, userId).first<{ role: ProjectRole }>();
  return row?.role ?? null;
}

/** Every project `userId` is a member of, with their role there. */
export async function rolesOfUser(db: D1Database, userId: string): Promise<Map<string, ProjectRole>> {
  const { results } = await db.prepare('SELECT project_id, role FROM project_members WHERE user_id = ?').bind(userId).all<{ project_id: string; role: ProjectRole }>();
  return new Map(results.map((row) => [row.project_id, row.role]));
}

/** One member of a project, or null. */
export async function getMember(db: D1Database, projectId: string, userId: string): Promise<ProjectMember | null> {
  const row = await db.prepare(`${MEMBER_SELECT} WHERE m.project_id = ? AND m.user_id = ?`).bind(projectId, userId).first<MemberRow>();
  return row ? toMember(row) : null;
}

/** The members of a project: the owner first, then by role (admins, members, viewers), then by login. */
export async function listMembers(db: D1Database, projectId: string): Promise<ProjectMember[]> {
  const { results } = await db.prepare(`${MEMBER_SELECT} WHERE m.project_id = ?`).bind(projectId).all<MemberRow>();
  return results
    .map(toMember)
    .sort((a, b) => PROJECT_ROLE_RANK[b.role] - PROJECT_ROLE_RANK[a.role] || a.login.localeCompare(b.login) || a.userId.localeCompare(b.userId));
}

/** The open invites of a project, oldest first. */
export async function listInvites(db: D1Database, projectId: string): Promise<ProjectInvite[]> {
  const { results } = await db.prepare('SELECT * FROM project_invites WHERE project_id = ? ORDER BY created_at, id').bind(projectId).all<InviteRow>();
  return results.map(toInvite);
}

/** One invite of a project, or null (also when it is another project's). */
export async function getInvite(db: D1Database, projectId: string, inviteId: string): Promise<ProjectInvite | null> {
  const row = await db.prepare('SELECT * FROM project_invites WHERE id = ? AND project_id = ?').bind(inviteId, projectId).first<InviteRow>();
  return row ? toInvite(row) : null;
}

/** Add `userId` to a project with `role`; false when they already are a member (nothing changed). */
export async function insertMember(db: D1Database, member: { projectId: string; userId: string; role: ProjectRole; addedBy: string | null; addedAt: string }): Promise<boolean> {
  const result = await db
    .prepare('INSERT INTO project_members (project_id, user_id, role, added_by, added_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, user_id) DO NOTHING')
    .bind(member.projectId, member.userId, member.role, member.addedBy, member.addedAt)
    .run();
  return result.meta.changes > 0;
}

/** Set a member's role (never to or from `owner`: see {@link transferOwner}); false when no such member. */
export async function updateMemberRole(db: D1Database, projectId: string, userId: string, role: AssignableRole): Promise<boolean> {
  const result = await db.prepare("UPDATE project_members SET role = ? WHERE project_id = ? AND user_id = ? AND role != 'owner'").bind(role, projectId, userId).run();
  return result.meta.changes > 0;
}

/** Remove a member who is not the owner; false when there was none. */
export async function deleteMember(db: D1Database, projectId: string, userId: string): Promise<boolean> {
  const result = await db.prepare("DELETE FROM project_members WHERE project_id = ? AND user_id = ? AND role != 'owner'").bind(projectId, userId).run();
  return result.meta.changes > 0;
}

/** Make `userId` (a member) the owner, and the current owner, if any, an admin — in one transaction. */
export async function transferOwner(db: D1Database, projectId: string, userId: string): Promise<void> {
  await db.batch([
    db.prepare("UPDATE project_members SET role = 'admin' WHERE project_id = ? AND role = 'owner'").bind(projectId),
    db.prepare("UPDATE project_members SET role = 'owner' WHERE project_id = ? AND user_id = ?").bind(projectId, userId),
  ]);
}

/** Store an invite; null when the project already has one for that login or email. */
export async function insertInvite(db: D1Database, invite: { projectId: string; kind: 'github' | 'email'; value: string; role: AssignableRole; invitedBy: string | null; createdAt: string }): Promise<ProjectInvite | null> {
  const row = await db
    .prepare(
      `INSERT INTO project_invites (id, project_id, kind, value, role, invited_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, kind, value) DO NOTHING RETURNING *`,
    )
    .bind(newId('inv'), invite.projectId, invite.kind, invite.value.toLowerCase(), invite.role, invite.invitedBy, invite.createdAt)
    .first<InviteRow>();
  return row ? toInvite(row) : null;
}

/** Delete an invite of a project; false when there was none. */
export async function deleteInvite(db: D1Database, projectId: string, inviteId: string): Promise<boolean> {
  const result = await db.prepare('DELETE FROM project_invites WHERE id = ? AND project_id = ?').bind(inviteId, projectId).run();
  return result.meta.changes > 0;
}

/** An invite waiting for someone, with its project. */
export interface PendingInvite extends ProjectInvite {
  projectId: string;
}

/** Take (delete and return) every invite for the GitHub login `githubLogin` or the verified email `email` (either may be null). */
export async function takeInvitesFor(db: D1Database, githubLogin: string | null, email: string | null): Promise<PendingInvite[]> {
  const { results } = await db
    .prepare("DELETE FROM project_invites WHERE (kind = 'github' AND value = ?) OR (kind = 'email' AND value = ?) RETURNING *")
    .bind(githubLogin?.toLowerCase() ?? null, email?.toLowerCase() ?? null)
    .all<InviteRow>();
  return results.map((row) => ({ ...toInvite(row), projectId: row.project_id }));
}

/** The user who signs in with GitHub as `login` (case-insensitive), or null. */
export async function findGithubUserId(db: D1Database, login: string): Promise<string | null> {
  const row = await db.prepare("SELECT id FROM users WHERE provider = 'github' AND lower(login) = lower(?) ORDER BY created_at LIMIT 1").bind(login).first<{ id: string }>();
  return row?.id ?? null;
}

/** The user whose provider verified `email` (case-insensitive), or null. */
export async function findVerifiedEmailUserId(db: D1Database, email: string): Promise<string | null> {
  const row = await db.prepare('SELECT id FROM users WHERE email_verified = 1 AND lower(email) = lower(?) ORDER BY created_at LIMIT 1').bind(email).first<{ id: string }>();
  return row?.id ?? null;
}

/** Who users are (UserRef), by id; ids with no user row are left out. */
export async function userRefs(db: D1Database, userIds: readonly string[]): Promise<Map<string, UserRef>> {
  const ids = [...new Set(userIds)];
  const refs = new Map<string, UserRef>();
  // D1 binds at most 100 parameters per statement.
  for (let start = 0; start < ids.length; start += 90) {
    const chunk = ids.slice(start, start + 90);
    const { results } = await db
      .prepare(`SELECT id, login, name, avatar_url FROM users WHERE id IN (${chunk.map(() => '?').join(', ')})`)
      .bind(...chunk)
      .all<{ id: string; login: string; name: string | null; avatar_url: string | null }>();
    for (const row of results) refs.set(row.id, { userId: row.id, login: row.login, name: row.name, avatarUrl: row.avatar_url });
  }
  return refs;
}
