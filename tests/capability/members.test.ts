/**
 * Capability: project members and roles (issue 14 item 2, its first "Done when", API side). Users
 * sign in through GitHub's redirect flow (the testkit's fake GitHub, followed by hand with fetch)
 * and call the API with a personal token made with their session cookie, or the cookie itself
 * (the project WebSocket). A signs in first (a deployment admin), creates a project and runs a
 * task with the scripted agent; B, generated from `routeAccess` and `publicApi` (members-access.ts),
 * gets 404 for every project route of A's and for A's sub-resources under B's own project, 404 for
 * the project WebSocket and 403 for every deployment route. Invited as viewer, B reads the chat and
 * gets 403 for every write; as member B runs a task (`createdBy` and the chat's `author` name B);
 * removed, B's open WebSocket closes with 4403 and the next read is 404. An email invite waits for
 * C's first sign-in; `flotilla members` (list, add, role, remove) does B's changes as A; ownership moves to C; the audit log lists every change; C signing out
 * everywhere closes C's open WebSocket (4401).
 */
import { auditSentence, type Task } from '@flotilla/contracts';
import { FlotillaClient } from '@flotilla/cli';
import { startFakeGitHub, type FakeGitHub } from '@flotilla/testkit/fake-github';
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeCases, SUB_RESOURCE_PARAMS, type RouteCase } from './members-access.js';
import { runCli, type CliResult } from './cli-support.js';
import { githubSessionCookie, personalToken } from './sign-in-support.js';
import { upgradeStatus } from './websocket-support.js';

const CLIENT = { clientId: 'gh-client-id', clientSecret: 'gh-client-secret' };
let github: FakeGitHub;
let stack: TestStack;

beforeAll(async () => {
  github = await startFakeGitHub({
    oauth: {
      ...CLIENT,
      users: [
        { id: 201, login: 'ann', name: 'Ann', email: 'ann@example.com' },
        { id: 202, login: 'Bee', name: 'Bee', email: 'bee@example.com' },
        { id: 203, login: 'cee', name: 'Cee', email: 'cee@example.com' },
      ],
    },
  });
  stack = await bootTestStack({
    agents: 'scripted',
    vars: { AUTH_GITHUB_CLIENT_ID: CLIENT.clientId, AUTH_GITHUB_CLIENT_SECRET: CLIENT.clientSecret, AUTH_GITHUB_URL: github.url, GITHUB_API_URL: github.url },
  });
});

afterAll(async () => {
  await stack?.close();
  await github?.close();
  rmSync(cliHome, { recursive: true, force: true });
});

/** A signed-in user: their session cookie, their id and a client with a personal token they made. */
interface SignedInUser {
  cookie: string;
  userId: string;
  token: string;
  client: FlotillaClient;
}

/** Follow GitHub sign-in by hand as `login` and make a personal token with the session cookie. */
async function signIn(login: string): Promise<SignedInUser> {
  const cookie = `flotilla_user=${await githubSessionCookie(stack.url, github.url, login)}`;
  const me = (await (await fetch(`${stack.url}/api/me`, { headers: { cookie } })).json()) as { id: string };
  const token = await personalToken(stack.url, cookie.slice('flotilla_user='.length), `${login}'s test token`);
  return { cookie, userId: me.id, token, client: new FlotillaClient(stack.url, undefined, token) };
}

/** Call a generated case with `user`'s token: its status and error message. */
async function call(user: SignedInUser, routeCase: RouteCase): Promise<{ status: number; body: string }> {
  const response = await fetch(`${stack.url}${routeCase.path}`, {
    method: routeCase.method,
    headers: { authorization: `Bearer ${user.token}`, ...(routeCase.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: routeCase.body !== undefined ? JSON.stringify(routeCase.body) : undefined,
  });
  return { status: response.status, body: await response.text() };
}

/** Every case whose status is not `expected`, named (empty when all are as expected). */
async function unexpected(user: SignedInUser, cases: readonly RouteCase[], expected: number): Promise<string[]> {
  const wrong: string[] = [];
  for (const routeCase of cases) {
    const { status, body } = await call(user, routeCase);
    if (status !== expected) wrong.push(`${routeCase.name} ${routeCase.method} ${routeCase.path} → ${status} ${body.slice(0, 200)}`);
  }
  return wrong;
}

/** `flotilla members <args> --project <A's project>` as `user` (their personal token), against this stack. */
const members = (user: SignedInUser, ...args: string[]): Promise<CliResult> =>
  runCli(['members', ...args, '--project', annProjectId, '--server', stack.url], { FLOTILLA_API_TOKEN: user.token, FLOTILLA_HOME: cliHome });
let annProjectId = '';
const cliHome = mkdtempSync(join(tmpdir(), 'flotilla-members-cli-'));

const socketUrl = (projectId: string) => `${stack.url.replace(/^http/, 'ws')}/api/projects/${projectId}/sessions/ws`;

/** Open the project WebSocket with `user`'s session cookie; resolves once open, with a promise of its close (`closed`). */
async function openProjectSocket(user: SignedInUser, projectId: string): Promise<{ closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(socketUrl(projectId), { headers: { cookie: user.cookie, origin: stack.url } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { closed: new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))) };
}

describe('project members and roles', () => {
  let ann: SignedInUser;
  let bee: SignedInUser;
  let cee: SignedInUser;
  let annProject = '';
  let annTask: Task;
  const ids: Record<string, string> = {};

  it('A signs in first, creates a project (its owner) and runs a task; B signs in', async () => {
    ann = await signIn('ann');
    const project = await ann.client.createProject({ name: 'ann-project', repoUrl: createGitRepo({ 'README.md': '# ann\n' }), defaultBranch: 'main' });
    expect(project.role).toBe('owner');
    annProject = project.id;
    annProjectId = project.id;
    const created = await ann.client.createTask(project.id, { description: 'say: hello from the scripted agent', run: true });
    annTask = await waitForTask(ann.client, created.id, 180_000);
    expect(annTask.status).toBe('completed');
    expect(annTask.createdBy).toMatchObject({ userId: ann.userId, login: 'ann' });
    const messages = await ann.client.allMessages(project.id, annTask.chatSessionId ?? '');
    expect(messages[0]).toMatchObject({ role: 'user', author: { login: 'ann' } });

    const trigger = await ann.client.createTrigger(project.id, { kind: 'webhook', name: 'hook', template: { description: 'say: fired', run: false } });
    const webhook = await ann.client.createWebhook(project.id, { url: 'https://hooks.example.invalid/flotilla' });
    const invite = await ann.client.inviteMember(project.id, { email: 'someone-else@example.com', role: 'viewer' });
    Object.assign(ids, {
      taskId: annTask.id,
      sessionId: annTask.chatSessionId ?? '',
      workspaceId: annTask.workspaceId ?? '',
      triggerId: trigger.trigger.id,
      webhookId: webhook.id,
      inviteId: invite.invite?.id ?? '',
      userId: ann.userId,
      requestId: 'perm_of_ann',
    });
    expect(Object.values(ids).every((id) => id !== '')).toBe(true);
    bee = await signIn('Bee');
  });

  it("B sees nothing of A's project: every project route 404, A's sub-resources in B's own project 404, the WebSocket 404, deployment routes 403", async () => {
    const projects = await bee.client.listProjects();
    expect(projects.map((p) => p.id)).not.toContain(annProject);
    await expect(bee.client.getTask(annTask.id)).rejects.toMatchObject({ status: 404, message: `task ${annTask.id} not found` });
    // The very answer of a project that does not exist.
    const hidden = await call(bee, { name: 'getProject', method: 'GET', path: `/api/projects/${annProject}` });
    const missing = await call(bee, { name: 'getProject', method: 'GET', path: '/api/projects/prj_doesnotexist' });
    expect(hidden.body).toBe(missing.body.replace('prj_doesnotexist', annProject));

    expect(await unexpected(bee, routeCases({ levels: ['project:read', 'project:write', 'project:manage', 'project:own'], projectId: annProject, ids }), 404)).toEqual([]);

    const own = await bee.client.createProject({ name: 'bee-project', repoUrl: createGitRepo({ 'README.md': '# bee\n' }), defaultBranch: 'main' });
    expect(own.role).toBe('owner');
    const crossed = routeCases({ levels: ['project:read', 'project:write', 'project:manage', 'project:own'], projectId: own.id, ids, onlyWith: SUB_RESOURCE_PARAMS });
    expect(crossed.length).toBeGreaterThan(15);
    expect(await unexpected(bee, crossed, 404)).toEqual([]);

    expect(await upgradeStatus(socketUrl(annProject), { cookie: bee.cookie, origin: stack.url })).toBe(404);
    expect(await unexpected(bee, routeCases({ levels: ['deployment'], projectId: annProject, ids }), 403)).toEqual([]);
  });

  it('invited as viewer (by GitHub login), B reads the sessions and the chat, and gets 403 for every write', async () => {
    // Through the CLI, as A (A's personal token).
    const added = await members(ann, 'add', 'bee', '--role', 'viewer');
    expect(added).toMatchObject({ code: 0, stdout: `Bee is now viewer of ${annProject}\n` });
    const listed = await members(ann);
    expect(listed.stdout.split('\n')).toEqual(['owner   ann (Ann) ann@example.com', 'viewer  Bee (Bee) bee@example.com', 'viewer  someone-else@example.com (invited, waiting for their first sign-in)', '']);
    await expect(ann.client.inviteMember(annProject, { githubLogin: 'BEE', role: 'member' })).rejects.toMatchObject({ status: 409 });

    expect((await bee.client.getProject(annProject)).role).toBe('viewer');
    const sessions = await bee.client.listSessions(annProject);
    expect(sessions.map((s) => s.id)).toContain(annTask.chatSessionId);
    const messages = await bee.client.allMessages(annProject, annTask.chatSessionId ?? '');
    expect(messages.length).toBeGreaterThan(1);

    const writes = routeCases({ levels: ['project:write', 'project:manage', 'project:own'], projectId: annProject, ids });
    expect(await unexpected(bee, writes, 403)).toEqual([]);
    const refused = await call(bee, writes.find((routeCase) => routeCase.name === 'createTask')!);
    expect(refused.body).toContain('this needs the role member in the project; you are viewer');
  });

  it('as member, B runs a task: it records B as its creator, and the chat B as the author of its first message', async () => {
    expect(await members(ann, 'role', 'BEE', 'member')).toMatchObject({ code: 0, stdout: `Bee is now member of ${annProject}\n` });
    const created = await bee.client.createTask(annProject, { description: 'say: hello from Bee', run: true });
    expect(created.createdBy).toMatchObject({ userId: bee.userId, login: 'Bee' });
    const task = await waitForTask(bee.client, created.id, 180_000);
    expect(task.status).toBe('completed');
    expect(task.createdBy).toMatchObject({ userId: bee.userId, login: 'Bee' });
    const messages = await bee.client.allMessages(annProject, task.chatSessionId ?? '');
    expect(messages[0]).toMatchObject({ role: 'user', content: 'say: hello from Bee', author: { userId: bee.userId, login: 'Bee' } });
    expect(messages.filter((m) => m.role !== 'user').every((m) => m.author === undefined)).toBe(true);
    // A member manages nobody.
    await expect(bee.client.inviteMember(annProject, { githubLogin: 'cee', role: 'viewer' })).rejects.toMatchObject({ status: 403 });
  });

  it("removing B closes B's open project WebSocket at once (4403), and B's next request is 404", async () => {
    const { closed } = await openProjectSocket(bee, annProject);
    expect(await members(ann, 'remove', 'bee')).toMatchObject({ code: 0, stdout: `Bee is no longer a member of ${annProject}\n` });
    expect(await closed).toEqual({ code: 4403, reason: 'removed from the project' });
    await expect(bee.client.getProject(annProject)).rejects.toMatchObject({ status: 404 });
    await expect(bee.client.listTasks(annProject)).rejects.toMatchObject({ status: 404 });
  });

  it('an email invite waits until C first signs in; then ownership moves to C; the audit log lists every change', async () => {
    const invited = await ann.client.inviteMember(annProject, { email: 'Cee@Example.com', role: 'admin' });
    expect(invited).toMatchObject({ member: null, invite: { kind: 'email', value: 'cee@example.com', role: 'admin' } });
    await expect(ann.client.inviteMember(annProject, { email: 'cee@example.com', role: 'viewer' })).rejects.toMatchObject({ status: 409 });
    cee = await signIn('cee');
    const list = await ann.client.listMembers(annProject);
    expect(list.members.map((m) => [m.login, m.role])).toEqual([
      ['ann', 'owner'],
      ['cee', 'admin'],
    ]);
    expect(list.invites.map((i) => i.value)).toEqual(['someone-else@example.com']);
    expect((await cee.client.listProjects()).map((p) => [p.id, p.role])).toEqual([[annProject, 'admin']]);

    // Only the owner transfers; the owner cannot be removed.
    await expect(cee.client.transferOwnership(annProject, cee.userId)).rejects.toMatchObject({ status: 403 });
    await expect(cee.client.removeMember(annProject, ann.userId)).rejects.toMatchObject({ status: 409 });
    const transferred = await ann.client.transferOwnership(annProject, cee.userId);
    expect(transferred.members.map((m) => [m.login, m.role])).toEqual([
      ['cee', 'owner'],
      ['ann', 'admin'],
    ]);
    await ann.client.cancelInvite(annProject, ids.inviteId!);

    const audit = await cee.client.listProjectAudit(annProject, { limit: 100 });
    const membership = audit.events.filter((event) => /^(member|invite)\.|^project\.ownership/.test(event.action));
    expect(membership.map(auditSentence).reverse()).toEqual([
      'ann invited someone-else@example.com as viewer',
      'ann added Bee as viewer',
      'ann made Bee member',
      'ann removed Bee from the project',
      'ann invited cee@example.com as admin',
      'cee added cee as admin',
      "ann made cee the project's owner",
      'ann withdrew the invite of someone-else@example.com',
    ]);
  });

  it("signing out everywhere closes the user's open project WebSockets (4401)", async () => {
    const { closed } = await openProjectSocket(cee, annProject);
    const signedOut = await fetch(`${stack.url}/api/auth/sign-out-everywhere`, { method: 'POST', headers: { cookie: cee.cookie, origin: stack.url } });
    expect(signedOut.status).toBe(204);
    expect(await closed).toEqual({ code: 4401, reason: 'signed out everywhere' });
  });
});
