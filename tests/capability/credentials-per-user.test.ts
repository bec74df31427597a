/**
 * Capability (issue 14, item 3): credentials belong to users, and a project chooses whose its
 * tasks run on. Two users sign in through the real OpenID Connect redirect flow (the testkit's
 * fake provider) and each saves their own Claude Code key; the nodes run Claude Code itself
 * against the fake Anthropic API, which records a hash of the key of every model request.
 * - The project's default, "the owner's": a task the member creates runs on the owner's key.
 * - "Each creator's own": the member's task runs on the member's key, on a node of its own — the
 *   owner's warm node is not reused for it; the owner's next task reuses the owner's warm node.
 * - A hot agent prepared with the owner's key is never taken by the member's task.
 * - Each user's credential list shows their own key only.
 */
import { randomBytes } from 'node:crypto';
import { FlotillaClient } from '@flotilla/api-client';
import type { Project, TaskWithEvents } from '@flotilla/contracts';
import { sha256Hex, startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { startFakeOidc, type FakeOidc } from '@flotilla/testkit/fake-oidc';
import { bootTestStack, createGitRepo, showFile, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithOidc } from './sign-in-support.js';

let stack: TestStack;
let fake: FakeAnthropic;
let idp: FakeOidc;
let owner: FlotillaClient;
let member: FlotillaClient;
let project: Project;
let repo: string;
const ownerKey = `sk-ant-owner-${randomBytes(12).toString('hex')}`;
const memberKey = `sk-ant-member-${randomBytes(12).toString('hex')}`;

beforeAll(async () => {
  fake = await startFakeAnthropic({ script: [] });
  idp = await startFakeOidc({ users: [{ login: 'olivia', email: 'olivia@example.com' }, { login: 'max', email: 'max@example.com' }] });
  stack = await bootTestStack({
    agents: 'real',
    nodeEnv: { ANTHROPIC_BASE_URL: fake.url },
    vars: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), AUTH_OIDC_ISSUER: idp.issuer, AUTH_OIDC_CLIENT_ID: idp.clientId, AUTH_OIDC_CLIENT_SECRET: idp.clientSecret },
  });
  // The first user to sign in owns the project; each works with a personal API token of their own.
  owner = new FlotillaClient(stack.url, 30_000, await signInWithOidc(stack.url, 'olivia'));
  member = new FlotillaClient(stack.url, 30_000, await signInWithOidc(stack.url, 'max'));
  repo = createGitRepo({ 'README.md': '# credentials per user\n' });
  project = await owner.createProject({ name: 'keys', repoUrl: repo, defaultBranch: 'main', defaultAgentType: 'claude-code' });
  await owner.inviteMember(project.id, { email: 'max@example.com', role: 'member' });
  await owner.putAgentCredential('claude-code', { apiKey: ownerKey });
  await member.putAgentCredential('claude-code', { apiKey: memberKey });
}, 180_000);

afterAll(async () => {
  await stack?.close();
  await fake?.close();
  await idp?.close();
});

/** Run a task that writes `<name>.md` as `client`, to its end. */
async function runTask(client: FlotillaClient, name: string): Promise<TaskWithEvents> {
  fake.setScript([
    { text: 'Writing it.', toolUses: [{ name: 'Bash', input: { command: `printf '${name}\\n' > ${name}.md`, description: `Create ${name}.md` } }] },
    { text: `Wrote ${name}.md.` },
  ]);
  seen = fake.mainRequests().length;
  const created = await client.createTask(project.id, { description: `Create ${name}.md.`, run: true });
  const task = await waitForTask(client, created.id, 240_000);
  expect(task.error).toBeNull();
  expect(task.status).toBe('completed');
  expect(showFile(repo, `task/${task.id}`, `${name}.md`)).toBe(`${name}\n`);
  return task;
}

/** Main model requests before the last task started. */
let seen = 0;

/** The key hashes of the model requests of the last task. */
const keysUsed = () => new Set(fake.mainRequests().slice(seen).map((request) => request.apiKeySha256));

describe('credentials per user', () => {
  it("each user lists only their own credentials", async () => {
    const mine = await owner.listCredentials();
    const theirs = await member.listCredentials();
    expect(mine).toEqual([expect.objectContaining({ kind: 'agent', name: 'claude-code', masked: `••••${ownerKey.slice(-4)}` })]);
    expect(theirs).toEqual([expect.objectContaining({ kind: 'agent', name: 'claude-code', masked: `••••${memberKey.slice(-4)}` })]);
    expect(project.credentialsFrom).toBe('owner');
  });

  let ownerNode = '';

  it("by default a member's task runs on the owner's key", async () => {
    const task = await runTask(member, 'first');
    expect(keysUsed()).toEqual(new Set([sha256Hex(ownerKey)]));
    ownerNode = task.nodeId ?? '';
    expect(ownerNode).not.toBe('');
  });

  it("with each creator's own, the member's task runs on the member's key, never on the owner's warm node", async () => {
    const changed = await owner.updateProject(project.id, { credentialsFrom: 'creator' });
    expect(changed.credentialsFrom).toBe('creator');
    const task = await runTask(member, 'second');
    expect(keysUsed()).toEqual(new Set([sha256Hex(memberKey)]));
    expect(task.nodeId).not.toBe(ownerNode);
  });

  it("the owner's next task reuses the owner's warm node, on the owner's key", async () => {
    const task = await runTask(owner, 'third');
    expect(keysUsed()).toEqual(new Set([sha256Hex(ownerKey)]));
    expect(task.nodeId).toBe(ownerNode);
  });

  it("a hot agent prepared with the owner's key is not taken by the member's task", async () => {
    await owner.updateProject(project.id, { hotAgents: 1 });
    // The owner's run leaves a hot agent on the owner's node.
    await runTask(owner, 'fourth');
    await waitUntil('a hot agent is ready on the owner\'s node', async () => (await owner.listHotAgents(project.id)).some((hot) => hot.status === 'ready' && hot.nodeId === ownerNode), 120_000);
    const task = await runTask(member, 'fifth');
    expect(keysUsed()).toEqual(new Set([sha256Hex(memberKey)]));
    expect(task.nodeId).not.toBe(ownerNode);
    expect((await owner.listHotAgents(project.id)).filter((hot) => hot.taskId === task.id)).toEqual([]);
  });
});
