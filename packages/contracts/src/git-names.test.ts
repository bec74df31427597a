import { describe, expect, it } from 'vitest';
import { CreateProjectRequest } from './project.js';
import { branchNameProblem, repositoryUrlProblem } from './git-names.js';

describe('branch names', () => {
  it('accepts what git accepts and refuses options and git-check-ref-format violations', () => {
    for (const ok of ['main', 'release/1.2', 'task/tsk_01abc', 'feature-x_y']) expect(branchNameProblem('b', ok)).toBeNull();
    for (const bad of ['--help', '-x', '/main', 'main/', 'a..b', 'a b', 'x.lock', 'a//b', '@', 'a@{1}', '.hidden', 'a/.b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', '']) {
      expect(branchNameProblem('b', bad), bad).not.toBeNull();
    }
  });
});

describe('repository URLs', () => {
  it('accepts absolute paths, https/http/ssh/git/file URLs and scp-like addresses', () => {
    for (const ok of ['/srv/repos/app', 'https://github.com/acme/app.git', 'http://127.0.0.1:9000/private.git', 'ssh://git@host/x.git', 'git://host/x', 'file:///tmp/x', 'git@github.com:acme/app.git']) {
      expect(repositoryUrlProblem(ok), ok).toBeNull();
    }
  });

  it('refuses option injection, remote helpers and other schemes', () => {
    for (const bad of ['--upload-pack=touch /tmp/pwned', '-u x', 'ext::sh -c touch% /tmp/pwned', 'fd::17', 'transport::address', 'ftp://host/x', 'relative/path', 'a\nb', '']) {
      expect(repositoryUrlProblem(bad), bad).not.toBeNull();
    }
  });

  it('makes POST /api/projects refuse them with a message naming the field', () => {
    const result = CreateProjectRequest.safeParse({ name: 'x', repoUrl: '/r', defaultBranch: '--help' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['defaultBranch'], message: '"--help" is not a valid git branch name' });
    expect(CreateProjectRequest.safeParse({ name: 'x', repoUrl: 'ext::sh -c id' }).success).toBe(false);
  });
});
