/**
 * Capability (issue 17, item 3): a project's repository and default branch are checked when the
 * project is created or its branch changed, through the real stack — a path through the local
 * cloud's `git ls-remote`, an http repository by the control plane itself over git's smart HTTP
 * protocol, with the repository token saved for its host (a fake private git host: `git
 * http-backend` behind Basic auth). Each refusal is a 400 whose message names the problem, and
 * nothing is stored. `flotilla run`, which creates the project of its `--repo`, prints the same
 * sentence.
 */
import type { Project } from '@flotilla/contracts';
import { startFakeGitHost, type FakeGitHost } from '@flotilla/testkit/fake-git-host';
import { bootTestStack, createGitRepo, git, type TestStack } from '@flotilla/testkit/stack';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';

const USERNAME = 'x-access-token';
const TOKEN = 'ghp_fake_repository_token_c0ffee1234';
let host: FakeGitHost;
let stack: TestStack;

type Answer = { status: number; body: { error?: { code: string; message: string; details?: Record<string, unknown> } } & Partial<Project> };

async function call(method: string, path: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${stack.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}
const create = (body: Record<string, unknown>) => call('POST', '/api/projects', { name: 'checked', ...body });
const projectCount = async () => (await stack.client.listProjects()).length;

beforeAll(async () => {
  host = await startFakeGitHost({ username: USERNAME, token: TOKEN });
  stack = await bootTestStack({ vars: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
});

afterAll(async () => {
  await stack?.close();
  await host?.close();
});

describe('a repository on this machine (a path)', () => {
  it('is refused when the path does not exist, or is not a git repository, naming the path; nothing is stored', async () => {
    const before = await projectCount();
    const missing = join(tmpdir(), `flotilla-no-such-repo-${randomBytes(4).toString('hex')}`);
    expect(await create({ repoUrl: missing })).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: `The repository ${missing} does not exist`, details: { problem: 'repository_unreachable', field: 'repoUrl' } } },
    });
    const plain = mkdtempSync(join(tmpdir(), 'flotilla-not-a-repo-'));
    const notGit = await create({ repoUrl: plain });
    expect(notGit.status).toBe(400);
    expect(notGit.body.error?.message).toBe(`The repository ${plain} is not a git repository`);
    expect(await projectCount()).toBe(before);
  });

  it('is refused without the default branch, naming it and listing the branches', async () => {
    const repo = createGitRepo();
    git(repo, 'branch', 'dev');
    const answer = await create({ repoUrl: repo, defaultBranch: 'trunk' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'bad_request',
      message: `Branch \`trunk\` not found in ${repo} (branches: dev, main)`,
      details: { problem: 'branch_not_found', field: 'defaultBranch', branches: ['dev', 'main'] },
    });
  });

  it('is created when it checks out; a change to a missing branch is refused and leaves the project as it was', async () => {
    const repo = createGitRepo();
    git(repo, 'branch', 'release');
    const created = await create({ repoUrl: repo });
    expect(created.status).toBe(201);
    const projectId = created.body.id ?? '';
    const refused = await call('PATCH', `/api/projects/${projectId}`, { defaultBranch: 'nope', defaultVmSize: 'large' });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toBe(`Branch \`nope\` not found in ${repo} (branches: main, release)`);
    expect(await stack.client.getProject(projectId)).toEqual(created.body);
    const changed = await call('PATCH', `/api/projects/${projectId}`, { defaultBranch: 'release' });
    expect({ status: changed.status, branch: changed.body.defaultBranch }).toEqual({ status: 200, branch: 'release' });
  });
});

describe('a repository on a git server (http)', () => {
  it('is refused naming the 401 with a wrong token, and created with the right one', async () => {
    const repoUrl = host.createRepository('private', { 'README.md': '# private\n' });
    const before = await projectCount();

    const without = await create({ repoUrl });
    expect(without.status).toBe(400);
    expect(without.body.error?.message).toBe(`${host.host} answered 401: ${repoUrl} is private or does not exist; save a repository token for ${host.host} and try again`);

    await stack.client.putGitCredential(host.host, 'ghp_wrong_token_0000000000');
    const wrong = await create({ repoUrl });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toEqual({
      code: 'bad_request',
      message: `${host.host} answered 401: the stored repository token for ${host.host} is invalid or lacks access to ${repoUrl}`,
      details: { problem: 'repository_access_denied', field: 'repoUrl' },
    });
    expect(await projectCount()).toBe(before);

    await stack.client.putGitCredential(host.host, TOKEN);
    const right = await create({ repoUrl });
    expect(right.status, JSON.stringify(right.body)).toBe(201);
    expect(host.requests.at(-1)).toMatchObject({ method: 'GET', path: '/private.git/info/refs', service: 'git-upload-pack', authorized: true });

    const branch = await create({ repoUrl, defaultBranch: 'develop' });
    expect(branch.body.error?.message).toBe(`Branch \`develop\` not found in ${repoUrl} (branches: main)`);
  });
});

describe('flotilla run', () => {
  it("prints the check's refusal when it creates the project of --repo", async () => {
    const repoUrl = host.createRepository('cli', { 'README.md': '# cli\n' });
    // git on this machine reads it with the token in the URL; the control plane sends the (stale) saved one.
    const withToken = repoUrl.replace('http://', `http://${USERNAME}:${TOKEN}@`);
    await stack.client.putGitCredential(host.host, 'ghp_stale_token_1111111111');
    const before = await projectCount();
    const result = await runCli(['run', '--repo', withToken, '--server', stack.url, 'say: hello']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`flotilla: ${host.host} answered 401: the stored repository token for ${host.host} is invalid or lacks access to ${repoUrl}\n`);
    expect(result.stderr).not.toContain(TOKEN);
    expect(await projectCount()).toBe(before);
  });
});
