/**
 * Browser (issue 17 item 7): a long session opens at its newest page of messages — only that
 * page is fetched and drawn, so the newest message shows at once however long the session is —
 * and "Load earlier messages" brings the older ones in front, page by page, until the first.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const messages = () => page.getByRole('log', { name: 'Messages' });

describe('a long chat session', () => {
  it('opens at the newest page and loads earlier messages on request', async () => {
    const project = await createTestProject(env.stack, env.repo, 'long-history');
    // 250 agent messages (say and think alternating, so none are joined) after the prompt.
    const lines = Array.from({ length: 250 }, (_, i) => (i % 2 === 0 ? `say: answer number ${i + 1}` : `think: thought number ${i + 1}`));
    const task = await env.stack.client.createTask(project.id, { description: lines.join('\n'), run: true });
    await expect.poll(async () => (await env.stack.client.getTask(task.id)).status, { timeout: 180_000, interval: 500 }).toBe('completed');
    const all = await env.stack.client.allMessages(project.id, task.chatSessionId!);
    expect(all.length).toBeGreaterThan(250);

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${env.stack.url}/projects/${project.id}/chat/${task.chatSessionId}`);
    await messages().locator('article.message', { hasText: 'thought number 250' }).waitFor();
    const shownFirst = await messages().locator('article.message').count();
    expect(shownFirst).toBeLessThanOrEqual(200);
    expect(await messages().locator('article.message.assistant .markdown', { hasText: /^answer number 1$/ }).count()).toBe(0);

    const loadOlder = messages().getByRole('button', { name: 'Load earlier messages' });
    await loadOlder.waitFor();
    while ((await loadOlder.count()) > 0) {
      const before = await messages().locator('article.message').count();
      await loadOlder.click();
      await expect.poll(() => messages().locator('article.message').count(), { timeout: 30_000 }).toBeGreaterThan(before);
    }
    // Every message is there once, in order, starting with the prompt.
    const seqs = await messages().locator('article.message').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(await messages().locator('article.message.assistant .markdown', { hasText: /^answer number 1$/ }).count()).toBeGreaterThan(0);
  });
});
