import { describe, expect, it } from 'vitest';
import { parseGitHubRemote } from './github-pull-request.js';

describe('parseGitHubRemote', () => {
  it('reads owner and repo from https and ssh GitHub URLs', () => {
    expect(parseGitHubRemote('https://github.com/acme/widgets.git')).toEqual({ owner: 'acme', repo: 'widgets' });
    expect(parseGitHubRemote('https://x-access-token:abc@github.com/acme/widgets')).toEqual({ owner: 'acme', repo: 'widgets' });
    expect(parseGitHubRemote('git@github.com:acme/widgets.git')).toEqual({ owner: 'acme', repo: 'widgets' });
    expect(parseGitHubRemote('ssh://git@github.com/acme/my.repo.git\n')).toEqual({ owner: 'acme', repo: 'my.repo' });
  });

  it('answers null for anything else', () => {
    expect(parseGitHubRemote('/tmp/repo')).toBeNull();
    expect(parseGitHubRemote('https://gitlab.com/acme/widgets.git')).toBeNull();
    expect(parseGitHubRemote('https://github.com/acme')).toBeNull();
    expect(parseGitHubRemote('https://github.com.evil.example/acme/widgets')).toBeNull();
  });
});
