/**
 * Browser (issue 16 item 1): "Open pull request". Tasks on a project whose repository is on
 * github.com complete without a pull request (the node has no GitHub token; the "GitHub" remote
 * is a local repository reached through git's `url.<path>.insteadOf`, GitHub's API the testkit's
 * fake). On the result card, "Open pull request" first shows the server's refusal (no github.com
 * token saved), then — with the token saved — opens it and the link takes the button's place; on
 * a second task the review panel's header does the same. Screenshots at 1440 (light and dark)
 * and 375 px.
 */
import { startFakeGitHub, type FakeGitHub } from '@flotilla/testkit/fake-github';
import { createGitRepo, waitForTask } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, type BrowserStack } from './stack.js';

const GITHUB_URL = 'https://github.com/acme/widgets.git';
let env: BrowserStack;
let github: FakeGitHub;
let page: Page;
let projectId = '';
const tasks = { card: { id: '', sessionId: '' }, review: { id: '', sessionId: '' } };

beforeAll(async () => {
  github = await startFakeGitHub({ tokens: ['test-github-token'] });
  const repo = createGitRepo({ 'README.md': '# widgets\n' });
  env = await bootBrowserStack(
    { GITHUB_API_URL: github.url, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.${repo}.insteadOf`, GIT_CONFIG_VALUE_0: GITHUB_URL },
    { REPOSITORY_CHECK_INSTEAD_OF: `${repo}=${GITHUB_URL}`, GITHUB_API_URL: github.url },
  );
  page = await env.browser.newPage();
  const client = env.stack.client;
  projectId = (await client.createProject({ name: 'widgets', repoUrl: GITHUB_URL, defaultBranch: 'main' })).id;
  // One after the other: a warm node takes the next one.
  for (const [key, title] of [['card', 'Add a changelog'], ['review', 'Add a licence']] as const) {
    const created = await client.createTask(projectId, { title, description: `write ${key}.md: # ${title}\nsay: Done: ${title}.`, run: true });
    const done = await waitForTask(client, created.id, 150_000);
    expect(done.status).toBe('completed');
    expect(done.output.prUrl).toBeNull();
    tasks[key] = { id: done.id, sessionId: done.chatSessionId ?? '' };
  }
}, 360_000);

afterAll(async () => {
  await env?.close();
  await github?.close();
});

const card = () => page.locator('.session-header [data-testid="result-card"]');

/** Open the session of `sessionId` at `width` px (with `?review`: its review panel). */
async function openSession(sessionId: string, width: number, review = false): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${env.stack.url}/projects/${projectId}/chat/${sessionId}${review ? '?review' : ''}`);
  await card().waitFor();
}

describe('open pull request', () => {
  it('on the result card: the refusal in plain words, then the pull request link in place of the button', async () => {
    await openSession(tasks.card.sessionId, 1440);
    const button = card().getByRole('button', { name: 'Open pull request' });
    await button.click();
    await expect.poll(() => card().getByRole('alert').textContent()).toContain('no repository token is saved for github.com');
    await screenshot(page, 'open-pull-request-refused-1440');
    expect(github.pullRequests).toEqual([]);

    // Saved only now: a token saved before the runs would also go to the node's git (triggers-github.test.ts).
    await env.stack.client.putGitCredential('github.com', 'test-github-token');
    await button.click();
    const link = card().getByRole('link', { name: 'Pull request' });
    await link.waitFor();
    expect(github.pullRequests).toHaveLength(1);
    expect(github.pullRequests[0]).toMatchObject({ head: `task/${tasks.card.id}`, base: 'main', title: 'Add a changelog' });
    expect(await link.getAttribute('href')).toBe(github.pullRequests[0]!.htmlUrl);
    expect(await card().getByRole('button', { name: 'Open pull request' }).count()).toBe(0);
    expect(await card().getByRole('alert').count()).toBe(0);
    await expect.poll(async () => (await env.stack.client.getTask(tasks.card.id)).output.prUrl).toBe(github.pullRequests[0]!.htmlUrl);
    await screenshot(page, 'open-pull-request-opened-1440');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'open-pull-request-opened-1440-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // After a reload the link is read from the task.
    await openSession(tasks.card.sessionId, 375);
    await card().getByRole('link', { name: 'Pull request' }).waitFor();
    await screenshot(page, 'open-pull-request-opened-375');
  });

  it('in the review panel header', async () => {
    await openSession(tasks.review.sessionId, 375, true);
    const panel = page.getByRole('region', { name: 'Review', exact: true });
    const button = panel.getByRole('button', { name: 'Open pull request' });
    await button.waitFor();
    await panel.locator('.review-file .diff').waitFor();
    await screenshot(page, 'open-pull-request-review-375');
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshot(page, 'open-pull-request-review-1440');
    await button.click();
    await panel.getByRole('link', { name: 'Pull request' }).waitFor();
    expect(github.pullRequests).toHaveLength(2);
    expect(github.pullRequests[1]).toMatchObject({ head: `task/${tasks.review.id}`, title: 'Add a licence' });
    await panel.locator('.review-file .diff').waitFor(); // the diff reloads with the task's change
    await screenshot(page, 'open-pull-request-review-opened-1440');
  });
});
