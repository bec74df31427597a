/**
 * Browser (issue 17 item 4): the chat reads like a conversation. A scripted agent prints a notice
 * like Claude Code's billing warning, reports a plan and updates it, sends two separate messages
 * around a failing tool call, is followed while it writes, and is cancelled; the prompt is 5,000
 * characters long. Asserted: the notice is a note apart from the agent, the plan one checklist
 * ticked in place, two separate bubbles, the failed call's output open, the long prompt collapsed
 * with "Show more", one focused composer while the agent runs, a reader who scrolled up not
 * moved (a "↓ New messages" button instead), the cancel note after the last agent message, and
 * the view at the newest message after a reload. Screenshots at 1440 (light and dark) and 375 px.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
/** Where the test puts the files the agent awaits (visible inside the agent's sandbox). */
const signalDir = mkdtempSync(join(tmpdir(), 'flotilla-signal-'));

beforeAll(async () => {
  env = await bootBrowserStack({ FLOTILLA_SANDBOX_WRITE: signalDir });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
  rmSync(signalDir, { recursive: true, force: true });
});

const messages = (p: Page = page) => p.getByRole('log', { name: 'Messages' });
const NOTICE = '⚠ Warning: ANTHROPIC_API_KEY is set, so this session is billed as API Usage Billing through the gateway.';

/** Scrolls the messages (only them, not the page) so `item` is at their top. */
const showAtTop = (item: Locator) =>
  item.evaluate((el) => {
    const log = el.closest('[role="log"]');
    if (log) log.scrollTop += el.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
  });

/** Distance in pixels from the messages' scroll position to their bottom. */
const fromBottom = (p: Page = page) => messages(p).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

describe('the chat reads like a conversation', () => {
  it('notes apart, a plan checklist, separate bubbles, a failed call open, a long prompt collapsed, one composer, following, cancel and reload', async () => {
    const project = await createTestProject(env.stack, env.repo, 'conversation');
    const go = join(signalDir, 'go');
    const hold = join(signalDir, 'hold');
    const instructions = [
      `say: ${NOTICE}`,
      'plan: [>] Read the code | Fix the bug | Run the tests',
      'say: I will look at the code first.',
      "run: for i in $(seq 1 20); do echo \"check $i\"; done; echo 'FAIL: parser' >&2; exit 2",
      'say: The check failed as expected.',
      'plan: [x] Read the code | [x] Fix the bug | [>] Run the tests',
      `await: ${go}`,
      'say: Long step finished.',
      `await: ${hold}`,
    ].join('\n');
    const background = `Background: ${'the parser must accept every input the old one did, '.repeat(120)}`;
    const description = `${instructions}\n${background}`.slice(0, 5000);
    expect(description.length).toBe(5000);
    const task = await env.stack.client.createTask(project.id, { description, title: 'Conversation', run: true });
    await page.setViewportSize({ width: 1440, height: 800 });
    await page.goto(`${env.stack.url}/projects/${project.id}/chat/${task.chatSessionId}`);

    // The plan: one checklist, ticked in place after the second update.
    const plan = messages().getByRole('list', { name: 'Plan' });
    await expect
      .poll(() => plan.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-status'))), { timeout: 120_000 })
      .toEqual(['completed', 'completed', 'in_progress']);
    expect(await messages().locator('article.message.plan').count()).toBe(1);
    expect(await plan.textContent()).not.toContain('[ ]');

    // Two separate bubbles around the tool call, each with its own text.
    const answers = messages().locator('article.message.assistant:not(.agent-notice)');
    expect(await answers.locator('.markdown').allTextContents()).toEqual(['I will look at the code first.', 'The check failed as expected.']);

    // The billing notice is a note apart from the agent, not an agent bubble.
    const notice = messages().getByRole('article', { name: 'Agent notice' });
    expect(await notice.textContent()).toContain('API Usage Billing');
    expect(await notice.getAttribute('class')).toContain('note');

    // The failed call's output is open by itself (20 lines would otherwise start collapsed).
    const failing = messages().locator('.tool-card.failed', { hasText: 'check' });
    expect(await failing.locator('details.tool-output').getAttribute('open')).not.toBeNull();
    expect(await failing.locator('.tool-exit').textContent()).toBe('exit 2');

    // One composer while the agent runs: the follow-up input, focused; "New task" swaps in the new-task form.
    const followUp = page.getByLabel('Follow-up to the running agent');
    await followUp.waitFor();
    await expect.poll(() => followUp.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByLabel('Describe a task').count()).toBe(0);
    expect(await followUp.getAttribute('placeholder')).toContain('follow-up');

    // The 5,000-character prompt shows its start and a "Show more" button.
    const prompt = messages().locator('article.message.user');
    const more = prompt.getByRole('button', { name: 'Show more' });
    expect((await prompt.locator('.plain').textContent())?.length ?? 0).toBeLessThan(1500);
    await showAtTop(notice);
    await screenshot(page, 'chat-conversation-1440');

    await page.setViewportSize({ width: 375, height: 800 });
    await more.scrollIntoViewIfNeeded();
    await screenshot(page, 'chat-long-prompt-375');
    await more.click();
    expect(await prompt.locator('.plain').textContent()).toBe(description);
    await prompt.getByRole('button', { name: 'Show less' }).click();
    await prompt.getByRole('button', { name: 'Show more' }).waitFor();
    await page.setViewportSize({ width: 1440, height: 800 });

    await page.getByRole('button', { name: 'New task' }).click();
    await expect.poll(() => page.getByLabel('Describe a task').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await followUp.count()).toBe(0);
    await page.getByRole('button', { name: 'Back to the follow-up' }).click();
    await followUp.waitFor();

    // A reader who scrolled up is not moved when the agent writes; a button leads to the new message.
    await messages().evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    writeFileSync(go, '');
    const newMessages = page.getByRole('button', { name: '↓ New messages' });
    await newMessages.waitFor({ timeout: 120_000 });
    expect(await messages().evaluate((el) => el.scrollTop)).toBe(0);
    await newMessages.click();
    await expect.poll(() => fromBottom()).toBeLessThan(2);
    await messages().locator('article.message.assistant', { hasText: 'Long step finished.' }).waitFor();

    // Cancelled: the plainly worded note comes after the last agent message.
    await env.stack.client.cancelTask(project.id, task.id);
    const cancelNote = messages().getByRole('article', { name: 'System note' }).filter({ hasText: 'Task cancelled' });
    await cancelNote.waitFor({ timeout: 120_000 });
    expect(await cancelNote.textContent()).not.toMatch(/in_progress|cancelled while/);
    await expect.poll(() => messages().locator('article.message.draft').count(), { timeout: 60_000 }).toBe(0);
    const order = await messages()
      .locator('article.message')
      .evaluateAll((nodes) => nodes.map((n) => (n.classList.contains('system') ? 'note' : n.classList.contains('assistant') ? 'agent' : 'other')));
    expect(order.lastIndexOf('note')).toBeGreaterThan(order.lastIndexOf('agent'));

    // After a reload the view is at the newest message.
    await page.reload();
    await cancelNote.waitFor();
    expect(await messages().evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    await expect.poll(() => fromBottom()).toBeLessThan(2);

    await page.setViewportSize({ width: 375, height: 800 });
    await expect.poll(() => fromBottom()).toBeLessThan(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'chat-conversation-375');

    const dark = await env.browser.context.newPage();
    await dark.setViewportSize({ width: 1440, height: 800 });
    await dark.emulateMedia({ colorScheme: 'dark' });
    await dark.goto(`${env.stack.url}/projects/${project.id}/chat/${task.chatSessionId}`);
    await messages(dark).getByRole('article', { name: 'System note' }).filter({ hasText: 'Task cancelled' }).waitFor();
    await showAtTop(messages(dark).getByRole('article', { name: 'Agent notice' }));
    await screenshot(dark, 'chat-conversation-1440-dark');
    await dark.close();
  });
});
