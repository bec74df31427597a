/**
 * The real stack for browser tests: wrangler serving the built web app and the API, the local
 * cloud, node daemons running the scripted agent for every agent type (the testkit's
 * agent-command override); plus a git repository and a project on it.
 */
import type { Project } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, type TestStack } from '@flotilla/testkit/stack';
import { launchBrowser, type Browser } from './browser.js';

export interface BrowserStack {
  stack: TestStack;
  browser: Browser;
  repo: string;
  close(): Promise<void>;
}

/**
 * @param nodeEnv extra environment of the node daemons (e.g. brisk outbox retries for outage tests)
 * @param vars control-plane vars (e.g. CREDENTIALS_ENCRYPTION_KEY, NODE_WARM_TIMEOUT_MS)
 * @param options.apiToken require this API token (the stack's `client` sends it; the browser
 *   has to sign in); default: an open API
 */
export async function bootBrowserStack(
  nodeEnv: Record<string, string> = {},
  vars: Record<string, string> = {},
  options: { apiToken?: string } = {},
): Promise<BrowserStack> {
  const stack = await bootTestStack({ nodeEnv, vars, apiToken: options.apiToken });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await stack.close();
    throw error;
  }
  return {
    stack,
    browser,
    repo: createGitRepo({ 'README.md': '# browser test\n' }),
    async close() {
      await browser.close();
      await stack.close();
    },
  };
}

/**
 * A project on `repo` with the default agent (created through the API); its tasks run the
 * scripted agent, which the stack's nodes run in its place.
 */
export function createTestProject(stack: TestStack, repo: string, name: string): Promise<Project> {
  return stack.client.createProject({ name, repoUrl: repo, defaultBranch: 'main' });
}
