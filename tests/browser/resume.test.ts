/**
 * Browser: resuming a completed task from the chat (issue 15 item 3). Under a completed task the
 * composer offers "Follow up on this task"; it swaps in the follow-up input, which says that
 * sending resumes the task; the follow-up appears in the same session, the task runs again and
 * completes with the agent's new answer and a second commit on its branch. Screenshots at 1440
 * (light and dark) and 375 px.
 */
import { git, waitForTask } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;

beforeAll(async () => {
  env = await bootBrowserStack();
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
});

const headerStatus = () => page.locator('.session-header .badge');
/** The agent's messages (not the prompts, which quote every instruction). */
const agentSaid = (text: string) => page.getByRole('log', { name: 'Messages' }).locator('article.message:not(.user)', { hasText: text });

describe('resume from the chat', () => {
  it('a follow-up under a completed task resumes it in the same session, with a second commit on its branch', async () => {
    const project = await createTestProject(env.stack, env.repo, 'resume-demo');
    const created = await env.stack.client.createTask(project.id, { description: 'write FIRST.md: first turn\nsay: FIRST.md is written', run: true });
    const first = await waitForTask(env.stack.client, created.id, 120_000);
    expect(first.status).toBe('completed');

    await page.setViewportSize({ width: 1440, height: 800 });
    await page.goto(`${env.stack.url}/projects/${project.id}/chat/${first.chatSessionId}`);
    await agentSaid('FIRST.md is written').waitFor();
    await expect.poll(() => headerStatus().getAttribute('data-status')).toBe('completed');
    // The new-task form stays the default; the follow-up is one click away and says what it does.
    await page.getByLabel('Describe a task').waitFor();
    await page.getByRole('button', { name: 'Follow up on this task' }).click();
    const input = page.getByLabel('Follow-up that resumes the task');
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByText('Sending resumes it').isVisible()).toBe(true);
    await screenshot(page, 'resume-follow-up');

    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'resume-follow-up-375');
    await page.setViewportSize({ width: 1440, height: 800 });

    const dark = await env.browser.context.newPage();
    await dark.setViewportSize({ width: 1440, height: 800 });
    await dark.emulateMedia({ colorScheme: 'dark' });
    await dark.goto(`${env.stack.url}/projects/${project.id}/chat/${first.chatSessionId}`);
    await dark.getByRole('button', { name: 'Follow up on this task' }).click();
    await dark.getByLabel('Follow-up that resumes the task').waitFor();
    await screenshot(dark, 'resume-follow-up-dark');
    await dark.close();

    // The follow-up input is one line: one instruction for the scripted agent.
    await input.fill('write SECOND.md: second turn');
    await input.press('Enter');
    // The task runs again in the same session, then completes; the new agent's tool call has a
    // card of its own although its id repeats the first agent's.
    await expect.poll(() => headerStatus().getAttribute('data-status')).not.toBe('completed');
    const toolCards = page.getByRole('log', { name: 'Messages' }).locator('.tool-card');
    await toolCards.filter({ hasText: 'Write SECOND.md' }).waitFor({ timeout: 120_000 });
    await expect.poll(() => headerStatus().getAttribute('data-status'), { timeout: 90_000 }).toBe('completed');
    expect(await toolCards.filter({ hasText: 'Write FIRST.md' }).count()).toBe(1);
    expect(await toolCards.filter({ hasText: 'Write SECOND.md' }).count()).toBe(1);
    expect(page.url()).toContain(`/chat/${first.chatSessionId}`);
    await screenshot(page, 'resume-completed-again');

    const second = await waitForTask(env.stack.client, first.id, 120_000);
    const branch = `task/${first.id}`;
    expect(second.output.branch).toBe(branch);
    expect(git(env.repo, 'rev-parse', `${branch}^`)).toBe(first.output.commitSha);
    expect(second.output.commitSha).toBe(git(env.repo, 'rev-parse', branch));
  });
});
