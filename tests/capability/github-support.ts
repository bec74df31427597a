/**
 * A stack whose projects can live "on GitHub" offline: a fake GitHub API (testkit) and a real
 * local repository that git in the node daemons — and the control plane's repository check —
 * reach for `https://github.com/acme/widgets.git` (git's `url.<path>.insteadOf`). Shared by the
 * pull-request and GitHub-trigger capability tests.
 */
import { startFakeGitHub, type FakeGitHub } from '@flotilla/testkit/fake-github';
import { bootTestStack, createGitRepo, type TestStack } from '@flotilla/testkit/stack';

/** The project's repository URL: what the node daemons and the control plane are pointed at. */
export const GITHUB_URL = 'https://github.com/acme/widgets.git';

/** The token the fake GitHub accepts. */
export const GITHUB_TOKEN = 'test-github-token';

export interface GitHubStack {
  stack: TestStack;
  github: FakeGitHub;
  /** The local repository standing in for acme/widgets. */
  repo: string;
  close(): Promise<void>;
}

/**
 * Boot the fake GitHub, the stand-in repository and the stack.
 * @param options.nodeToken give the node daemons `GITHUB_TOKEN` (they then open a task's pull
 *   request themselves at completion)
 * @param options.controlPlaneApi point the control plane's `GITHUB_API_URL` at the fake (its own
 *   GitHub calls: issue comments, "Open pull request")
 */
export async function bootGitHubStack(options: { nodeToken: boolean; controlPlaneApi: boolean }): Promise<GitHubStack> {
  const github = await startFakeGitHub({ tokens: [GITHUB_TOKEN] });
  const repo = createGitRepo({ 'README.md': '# widgets\n' });
  const stack = await bootTestStack({
    nodeEnv: {
      ...(options.nodeToken ? { GITHUB_TOKEN } : {}),
      GITHUB_API_URL: github.url,
      // git in the node daemon reaches "github.com/acme/widgets" at the local repository
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `url.${repo}.insteadOf`,
      GIT_CONFIG_VALUE_0: GITHUB_URL,
    },
    // the control plane's repository check likewise (issue 17, item 3)
    vars: { REPOSITORY_CHECK_INSTEAD_OF: `${repo}=${GITHUB_URL}`, ...(options.controlPlaneApi ? { GITHUB_API_URL: github.url } : {}) },
  });
  return {
    stack,
    github,
    repo,
    close: async () => {
      await stack.close();
      await github.close();
    },
  };
}
