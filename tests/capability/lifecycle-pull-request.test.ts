/**
 * Capability (issue 4, completion): when the project's remote is GitHub and a token is
 * configured, the node daemon opens a pull request for the pushed task branch through the GitHub
 * REST API (Octokit), and the task records its URL. GitHub is the one fake here
 * (`startFakeGitHub`, which records the request); the "GitHub" remote itself is a real local
 * repository that git reaches through `url.<path>.insteadOf`, so the push is real (and the
 * control plane's check of the project's repository through REPOSITORY_CHECK_INSTEAD_OF).
 */
import { git, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import type { FakeGitHub } from '@flotilla/testkit/fake-github';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGitHubStack, GITHUB_URL, type GitHubStack } from './github-support.js';

let stack: TestStack;
let github: FakeGitHub;
let repo: string;

let env: GitHubStack;

beforeAll(async () => {
  env = await bootGitHubStack({ nodeToken: true, controlPlaneApi: false });
  ({ stack, github, repo } = env);
});

afterAll(async () => {
  await env?.close();
});

describe('pull request on completion', () => {
  it('opens a pull request for the pushed branch and records its URL', async () => {
    const project = await stack.client.createProject({ name: 'widgets', repoUrl: GITHUB_URL, defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, {
      title: 'Add a changelog',
      description: 'write CHANGELOG.md: # Changelog\nsay: Added CHANGELOG.md.',
      run: true,
    });
    const task = await waitForTask(stack.client, created.id);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    const branch = `task/${task.id}`;
    expect(showFile(repo, branch, 'CHANGELOG.md')).toBe('# Changelog');
    expect(task.output.commitSha).toBe(git(repo, 'rev-parse', branch));

    expect(github.pullRequests).toHaveLength(1);
    const pr = github.pullRequests[0]!;
    expect(pr).toMatchObject({ owner: 'acme', repo: 'widgets', head: branch, base: 'main', title: 'Add a changelog' });
    expect(pr.body).toContain('Added CHANGELOG.md.');
    expect(pr.body).toContain(task.id);
    expect(github.requests.filter((r) => r.method === 'POST')).toEqual([expect.objectContaining({ path: '/repos/acme/widgets/pulls', authorized: true })]);
    expect(task.output.prUrl).toBe(pr.htmlUrl);
    expect(task.output.warning).toBeNull();
  });
});
