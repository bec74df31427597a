/**
 * Capability (issue 16 item 1): "Open pull request". A task on a GitHub project completes without
 * a pull request (the node daemon has no GitHub token here); `POST …/tasks/:taskId/pull-request`
 * then has the control plane open it through the fake GitHub with the repository token saved for
 * github.com — head the task's branch, base the project's default branch — and store its URL on
 * the task. Refused: with no token saved (400), when GitHub refuses the token (502, GitHub's
 * message), a second time (409, naming the pull request), and on a project whose repository is
 * not on github.com (400). The "GitHub" remote is a real local repository reached through git's
 * `url.<path>.insteadOf`, as in lifecycle-pull-request.test.ts.
 */
import type { FakeGitHub } from '@flotilla/testkit/fake-github';
import { createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGitHubStack, GITHUB_TOKEN, GITHUB_URL, type GitHubStack } from './github-support.js';

const TASK = { title: 'Add a changelog', description: 'write CHANGELOG.md: # Changelog\nsay: Added CHANGELOG.md.', run: true };
let stack: TestStack;
let github: FakeGitHub;

let env: GitHubStack;

beforeAll(async () => {
  env = await bootGitHubStack({ nodeToken: false, controlPlaneApi: true });
  ({ stack, github } = env);
});

afterAll(async () => {
  await env?.close();
});

describe('open pull request', () => {
  it('opens the pull request of a completed task through GitHub and records its URL, once', async () => {
    const project = await stack.client.createProject({ name: 'widgets', repoUrl: GITHUB_URL, defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, TASK);
    const task = await waitForTask(stack.client, created.id);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(task.output.branch).toBe(`task/${task.id}`);
    expect(task.output.prUrl).toBeNull();
    expect(github.pullRequests).toEqual([]);

    // Saved only now: a token saved before the run would also go to the node's git, whose own
    // config then replaces this test's insteadOf rewrite (triggers-github.test.ts).
    await expect(stack.client.openPullRequest(project.id, task.id)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('no repository token is saved for github.com') });
    await stack.client.putGitCredential('github.com', 'not-the-token');
    await expect(stack.client.openPullRequest(project.id, task.id)).rejects.toMatchObject({ status: 502, message: expect.stringContaining('Bad credentials') });
    await stack.client.putGitCredential('github.com', GITHUB_TOKEN);

    const opened = await stack.client.openPullRequest(project.id, task.id);
    expect(github.pullRequests).toHaveLength(1);
    const pr = github.pullRequests[0]!;
    expect(pr).toMatchObject({ owner: 'acme', repo: 'widgets', head: `task/${task.id}`, base: 'main', title: 'Add a changelog' });
    expect(pr.body).toContain(task.id);
    expect(pr.body).toContain('Added CHANGELOG.md.');
    expect(github.requests.filter((r) => r.method === 'POST').at(-1)).toMatchObject({ path: '/repos/acme/widgets/pulls', authorized: true });
    expect(opened).toMatchObject({ id: task.id, status: 'completed', output: { prUrl: pr.htmlUrl, branch: `task/${task.id}` } });
    expect((await stack.client.getTask(task.id)).output.prUrl).toBe(pr.htmlUrl);

    await expect(stack.client.openPullRequest(project.id, task.id)).rejects.toMatchObject({ status: 409, message: expect.stringContaining(pr.htmlUrl) });
    expect(github.pullRequests).toHaveLength(1);
    await expect(stack.client.openPullRequest(project.id, 'task_unknown')).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a project whose repository is not on github.com', async () => {
    const local = createGitRepo({ 'README.md': '# local\n' });
    const project = await stack.client.createProject({ name: 'local', repoUrl: local, defaultBranch: 'main' });
    const task = await waitForTask(stack.client, (await stack.client.createTask(project.id, TASK)).id);
    expect(task.status).toBe('completed');
    expect(task.output.branch).toBe(`task/${task.id}`);
    await expect(stack.client.openPullRequest(project.id, task.id)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('not on github.com') });
    expect(github.pullRequests).toHaveLength(1);
  });
});
