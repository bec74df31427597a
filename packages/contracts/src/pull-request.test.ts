/**
 * "Open pull request" rules (issue 16 item 1): which repositories are on GitHub, and when a
 * task's pull request can be opened (the control plane's 409s; the web app's button).
 */
import { describe, expect, it } from 'vitest';
import { githubRepositoryOf, pullRequestBlocker } from './pull-request.js';

const output = { branch: 'task/tsk_1', commitSha: 'abc', prUrl: null, summary: null, filesChanged: null, warning: null, diffStat: null };

describe('githubRepositoryOf', () => {
  it('reads owner/repo of https and ssh URLs on github.com, lower-case', () => {
    expect(githubRepositoryOf({ repoUrl: 'https://github.com/Acme/Widgets.git' })).toBe('acme/widgets');
    expect(githubRepositoryOf({ repoUrl: 'git@github.com:acme/widgets.git' })).toBe('acme/widgets');
    expect(githubRepositoryOf({ repoUrl: 'ssh://git@github.com/acme/widgets' })).toBe('acme/widgets');
  });

  it('is null elsewhere', () => {
    expect(githubRepositoryOf({ repoUrl: '/srv/git/widgets' })).toBeNull();
    expect(githubRepositoryOf({ repoUrl: 'https://gitlab.com/acme/widgets.git' })).toBeNull();
    expect(githubRepositoryOf({ repoUrl: 'https://github.com.evil.example/acme/widgets' })).toBeNull();
  });
});

describe('pullRequestBlocker', () => {
  it('lets a completed task with a pushed branch and no pull request through', () => {
    expect(pullRequestBlocker({ id: 'tsk_1', status: 'completed', output })).toBeNull();
  });

  it('says why not otherwise', () => {
    expect(pullRequestBlocker({ id: 'tsk_1', status: 'in_progress', output })).toContain('is in_progress');
    expect(pullRequestBlocker({ id: 'tsk_1', status: 'completed', output: { ...output, branch: null } })).toContain('no pushed branch');
    expect(pullRequestBlocker({ id: 'tsk_1', status: 'completed', output: { ...output, prUrl: 'https://github.com/acme/widgets/pull/3' } })).toContain('https://github.com/acme/widgets/pull/3');
  });
});
