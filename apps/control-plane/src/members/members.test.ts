/**
 * Project members in the control plane (members/): the access decision and the membership rules
 * as pure functions, then through the Worker's API with personal tokens of real users — 404 for
 * a non-member with the body of a project that does not exist, 403 naming the roles, deployment
 * routes for administrators only, the operator passing everything, a token's scope still applied,
 * and the members routes' rules (admins, the owner, transfers). The whole flow with sign-in and
 * WebSockets: tests/capability/members.test.ts.
 */
import { newId, type MemberList, type Project, type ProjectRole } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, createProject, expectJson, standInRepoUrl } from '../../test/helpers.js';
import { insertApiToken } from '../auth/api-token-repository.js';
import { hashPersonalToken, newPersonalToken, visiblePrefix } from '../auth/personal-tokens.js';
import { upsertUser } from '../auth/users-repository.js';
import { decideAccess, guardedRouteOf } from './access.js';
import { insertMember } from './repository.js';
import { mayAssign, mayChangeRole, mayManage, mayTransfer } from './rules.js';

type ErrorBody = { error: { code: string; message: string } };

/** A user who has signed in (never the first: that one is an administrator) and a personal token of theirs. */
async function userWithToken(login: string, projectIds: string[] | null = null): Promise<{ userId: string; token: string }> {
  await upsertUser(env.DB, { provider: 'github', subject: 'first-user', login: 'first', email: null, name: null, avatarUrl: null }, 'active', new Date().toISOString());
  const user = await upsertUser(env.DB, { provider: 'github', subject: `subject-${login}`, login, email: `${login}@example.com`, emailVerified: true, name: null, avatarUrl: null }, 'active', new Date().toISOString());
  const token = newPersonalToken();
  await insertApiToken(env.DB, { id: newId('tok'), userId: user.id, name: 'test', tokenHash: await hashPersonalToken(token), prefix: visiblePrefix(token), projectIds, expiresAtMs: null, createdAtMs: Date.now() });
  return { userId: user.id, token };
}

/** Make `userId` a member of `projectId` with `role`. */
const join = (projectId: string, userId: string, role: ProjectRole) => insertMember(env.DB, { projectId, userId, role, addedBy: null, addedAt: new Date().toISOString() });

describe('the access decision', () => {
  it('lets the operator and any user of an account route through; refuses deployment routes to others', () => {
    expect(decideAccess('deployment', true, null)).toEqual({ kind: 'allow' });
    expect(decideAccess('project:own', true, null)).toEqual({ kind: 'allow' });
    expect(decideAccess('account', false, null)).toEqual({ kind: 'allow' });
    expect(decideAccess('deployment', false, 'owner')).toMatchObject({ kind: 'forbid' });
  });

  it('hides projects from non-members; lets a role through from its level up; names both roles when too low', () => {
    expect(decideAccess('project:read', false, null)).toEqual({ kind: 'hide' });
    expect(decideAccess('project:read', false, 'viewer')).toEqual({ kind: 'allow' });
    expect(decideAccess('project:write', false, 'viewer')).toEqual({ kind: 'forbid', message: 'this needs the role member in the project; you are viewer' });
    expect(decideAccess('project:write', false, 'member')).toEqual({ kind: 'allow' });
    expect(decideAccess('project:manage', false, 'member')).toMatchObject({ kind: 'forbid' });
    expect(decideAccess('project:manage', false, 'admin')).toEqual({ kind: 'allow' });
    expect(decideAccess('project:own', false, 'admin')).toEqual({ kind: 'forbid', message: 'this needs the role owner in the project; you are admin' });
    expect(decideAccess('project:own', false, 'owner')).toEqual({ kind: 'allow' });
  });

  it('finds the guarded route of a method and path template', () => {
    expect(guardedRouteOf('GET', '/api/projects/:projectId/members')).toBe('listMembers');
    expect(guardedRouteOf('DELETE', '/api/projects/:projectId/members/:userId')).toBe('removeMember');
    expect(guardedRouteOf('GET', '/api/health')).toBeUndefined();
  });
});

describe('the membership rules', () => {
  it('admins manage members and viewers; only the owner makes, changes or removes admins', () => {
    expect(mayAssign('admin', 'member')).toBeNull();
    expect(mayAssign('admin', 'admin')).toMatchObject({ status: 403 });
    expect(mayAssign('owner', 'admin')).toBeNull();
    expect(mayAssign('member', 'viewer')).toMatchObject({ status: 403 });
    expect(mayManage('admin', 'viewer')).toBeNull();
    expect(mayManage('admin', 'admin')).toMatchObject({ status: 403 });
    expect(mayManage('owner', 'admin')).toBeNull();
    expect(mayChangeRole('admin', 'viewer', 'admin')).toMatchObject({ status: 403 });
    expect(mayChangeRole('owner', 'viewer', 'admin')).toBeNull();
  });

  it('nobody changes or removes the owner, or makes one but by a transfer: the owner, to a member', () => {
    expect(mayManage('owner', 'owner')).toEqual({ status: 409, message: 'the owner cannot be changed or removed: transfer ownership first' });
    expect(mayAssign('owner', 'owner')).toMatchObject({ status: 409 });
    expect(mayTransfer('admin', 'member')).toMatchObject({ status: 403 });
    expect(mayTransfer('owner', null)).toMatchObject({ status: 409 });
    expect(mayTransfer('owner', 'owner')).toMatchObject({ status: 409 });
    expect(mayTransfer('owner', 'viewer')).toBeNull();
  });
});

describe('access through the API', () => {
  it('answers a non-member 404 with the body of a project that does not exist, for project and task routes', async () => {
    const project = await createProject('hidden');
    const { token } = await userWithToken('stranger');
    const hidden = await api(`/api/projects/${project.id}`, { token });
    expect(hidden.status).toBe(404);
    const missing = await api('/api/projects/prj_missing', { token });
    expect(((await hidden.json()) as ErrorBody).error).toEqual({ ...((await missing.json()) as ErrorBody).error, message: `project ${project.id} not found` });
    const task = await expectJson<{ id: string }>(await api(`/api/projects/${project.id}/tasks`, { method: 'POST', body: { description: 'x' } }), 201);
    expect(((await expectJson<ErrorBody>(await api(`/api/tasks/${task.id}`, { token }), 404)).error.message)).toBe(`task ${task.id} not found`);
    // Their project list leaves it out; the operator's lists every project as owner.
    expect((await expectJson<{ projects: Project[] }>(await api('/api/projects', { token }), 200)).projects).toEqual([]);
    const all = await expectJson<{ projects: Project[] }>(await api('/api/projects'), 200);
    expect(all.projects.find((p) => p.id === project.id)?.role).toBe('owner');
  });

  it('lets a viewer read and refuses their writes with 403; deployment routes refuse non-administrators', async () => {
    const project = await createProject('read-only');
    const { userId, token } = await userWithToken('watcher');
    await join(project.id, userId, 'viewer');
    expect((await expectJson<Project>(await api(`/api/projects/${project.id}`, { token }), 200)).role).toBe('viewer');
    await expectJson(await api(`/api/projects/${project.id}/tasks`, { token }), 200);
    const refused = await expectJson<ErrorBody>(await api(`/api/projects/${project.id}/tasks`, { method: 'POST', body: { description: 'x' }, token }), 403);
    expect(refused.error.message).toBe('this needs the role member in the project; you are viewer');
    await expectJson(await api('/api/nodes', { token }), 403);
    await expectJson(await api('/api/agents', { token }), 200);
  });

  it('checks membership on every request: a removed member is refused at once', async () => {
    const project = await createProject('removal');
    const { userId, token } = await userWithToken('leaver');
    await join(project.id, userId, 'member');
    await expectJson(await api(`/api/projects/${project.id}`, { token }), 200);
    expect((await api(`/api/projects/${project.id}/members/${userId}`, { method: 'DELETE' })).status).toBe(204);
    await expectJson(await api(`/api/projects/${project.id}`, { token }), 404);
  });

  it("keeps a token's scope on top of membership", async () => {
    const [inScope, outOfScope] = [await createProject('scope-a'), await createProject('scope-b')];
    const { userId, token } = await userWithToken('scoped', [inScope.id]);
    await join(inScope.id, userId, 'member');
    await join(outOfScope.id, userId, 'member');
    await expectJson(await api(`/api/projects/${inScope.id}`, { token }), 200);
    await expectJson(await api(`/api/projects/${outOfScope.id}`, { token }), 404);
    expect((await expectJson<{ projects: Project[] }>(await api('/api/projects', { token }), 200)).projects.map((p) => p.id)).toEqual([inScope.id]);
  });

  it('a project created by a user is theirs: its owner; the operator reaches it too', async () => {
    const { userId, token } = await userWithToken('maker');
    const made = await expectJson<Project>(await api('/api/projects', { method: 'POST', body: { name: 'mine', repoUrl: standInRepoUrl() }, token }), 201);
    expect(made.role).toBe('owner');
    const list = await expectJson<MemberList>(await api(`/api/projects/${made.id}/members`, { token }), 200);
    expect(list.members.map((m) => [m.userId, m.role])).toEqual([[userId, 'owner']]);
    await expectJson(await api(`/api/projects/${made.id}`), 200);
  });
});

describe('the members routes', () => {
  it('invites by GitHub login (a member at once) or email (an invite); refuses duplicates; admins cannot make admins', async () => {
    const project = await createProject('team');
    const admin = await userWithToken('boss');
    const known = await userWithToken('Known');
    await join(project.id, admin.userId, 'admin');
    const added = await expectJson<{ member: { userId: string; role: string } | null }>(
      await api(`/api/projects/${project.id}/members`, { method: 'POST', body: { githubLogin: 'known', role: 'member' }, token: admin.token }),
      201,
    );
    expect(added.member).toMatchObject({ userId: known.userId, role: 'member' });
    await expectJson(await api(`/api/projects/${project.id}/members`, { method: 'POST', body: { githubLogin: 'KNOWN', role: 'viewer' }, token: admin.token }), 409);
    const invited = await expectJson<{ invite: { value: string } | null }>(
      await api(`/api/projects/${project.id}/members`, { method: 'POST', body: { email: 'New.Person@Example.com', role: 'viewer' }, token: admin.token }),
      201,
    );
    expect(invited.invite?.value).toBe('new.person@example.com');
    await expectJson(await api(`/api/projects/${project.id}/members`, { method: 'POST', body: { email: 'new.person@example.com', role: 'member' }, token: admin.token }), 409);
    await expectJson(await api(`/api/projects/${project.id}/members`, { method: 'POST', body: { githubLogin: 'someone', role: 'admin' }, token: admin.token }), 403);
    await expectJson(await api(`/api/projects/${project.id}/members/${known.userId}`, { method: 'PATCH', body: { role: 'admin' }, token: admin.token }), 403);
    expect((await expectJson<{ role: string }>(await api(`/api/projects/${project.id}/members/${known.userId}`, { method: 'PATCH', body: { role: 'viewer' }, token: admin.token }), 200)).role).toBe('viewer');
    await expectJson(await api(`/api/projects/${project.id}/members/usr_nobody`, { method: 'DELETE', token: admin.token }), 404);
  });

  it('the owner stays until a transfer; a transfer makes the old owner an admin', async () => {
    const project = await createProject('ownership');
    const owner = await userWithToken('owner1');
    const next = await userWithToken('owner2');
    await join(project.id, owner.userId, 'owner');
    await join(project.id, next.userId, 'member');
    const refused = await expectJson<ErrorBody>(await api(`/api/projects/${project.id}/members/${owner.userId}`, { method: 'DELETE' }), 409);
    expect(refused.error.message).toContain('transfer ownership first');
    await expectJson(await api(`/api/projects/${project.id}/owner`, { method: 'POST', body: { userId: next.userId }, token: next.token }), 403);
    await expectJson(await api(`/api/projects/${project.id}/owner`, { method: 'POST', body: { userId: 'usr_nobody' }, token: owner.token }), 409);
    const list = await expectJson<MemberList>(await api(`/api/projects/${project.id}/owner`, { method: 'POST', body: { userId: next.userId }, token: owner.token }), 200);
    expect(list.members.map((m) => [m.login, m.role])).toEqual([
      ['owner2', 'owner'],
      ['owner1', 'admin'],
    ]);
  });
});
