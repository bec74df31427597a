/**
 * Browser: the kanban board and switching views against the real stack (issue 5). "Save to
 * Backlog" makes a draft card, which is edited and run from the board until it completes; the
 * columns and card order; a card opens its session; switching chat ⇄ board keeps the selected
 * session and both scroll positions.
 */
import { randomBytes } from 'node:crypto';
import { waitForTask } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
let projectId = '';

beforeAll(async () => {
  // With an encryption key, so the settings page can store agent keys.
  env = await bootBrowserStack({}, { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  page = await env.browser.newPage();
  projectId = (await createTestProject(env.stack, env.repo, 'board-demo')).id;
});

afterAll(async () => {
  await env?.close();
});

const column = (status: string) => page.locator(`[data-column="${status}"]`);
const card = (taskId: string) => page.locator(`article.kanban-card[data-task-id="${taskId}"]`);

describe('kanban board', () => {
  it('Save to Backlog → card in draft → edit → mark ready → run → completed, and the card opens its session', async () => {
    await page.goto(`${env.stack.url}/projects/${projectId}`);
    await page.getByLabel('Describe a task').fill('say: from the backlog');
    // The split button's menu, by keyboard: open it, Enter on "Save to Backlog".
    await page.getByRole('button', { name: 'More ways to submit' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Save to Backlog');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('to the backlog as a draft').waitFor();
    const [draft] = await env.stack.client.listTasks(projectId);
    expect(draft?.status).toBe('draft');

    await page.getByRole('link', { name: 'Board', exact: true }).click();
    await page.waitForURL(/\/board$/);
    await column('draft').locator(`[data-task-id="${draft?.id}"]`).waitFor();
    await screenshot(page, 'board-draft');

    await card(draft?.id ?? '').getByRole('button', { name: 'Edit' }).click();
    const editor = card(draft?.id ?? '').getByRole('form');
    await editor.getByLabel('Title').fill('Backlog task, edited');
    await editor.getByLabel('Description').fill('say: edited on the board\nwrite BOARD.md: from the board\nsay: board done');
    await editor.getByRole('button', { name: 'Save' }).click();
    await card(draft?.id ?? '').getByRole('heading', { name: 'Backlog task, edited' }).waitFor();
    const edited = await env.stack.client.getTask(draft?.id ?? '');
    expect(edited).toMatchObject({ status: 'draft', title: 'Backlog task, edited', description: expect.stringContaining('write BOARD.md') });

    // draft → ready: the card moves to the ready column
    await card(draft?.id ?? '').getByRole('button', { name: 'Mark ready' }).click();
    await column('ready').locator(`[data-task-id="${draft?.id}"]`).waitFor();
    expect((await env.stack.client.getTask(draft?.id ?? '')).status).toBe('ready');

    await card(draft?.id ?? '').getByRole('button', { name: 'Run' }).click();
    await column('completed').locator(`[data-task-id="${draft?.id}"]`).waitFor({ timeout: 90_000 });
    expect(await card(draft?.id ?? '').locator('code').textContent()).toBe(`task/${draft?.id}`);
    await screenshot(page, 'board-completed');

    await card(draft?.id ?? '').getByRole('link', { name: 'Backlog task, edited', exact: true }).click();
    await page.waitForURL(new RegExp(`/chat/${edited.chatSessionId}$`));
    await page.locator('.session-header').getByRole('heading', { name: 'Backlog task, edited' }).waitFor();
    await page.getByRole('log', { name: 'Messages' }).locator('article.message.assistant', { hasText: 'board done' }).waitFor();
  });

  it('shows the six columns, cards by priority, transient columns only while they hold cards', async () => {
    const client = env.stack.client;
    const low = await client.createTask(projectId, { description: 'say: low', title: 'Low priority', priority: 1 });
    const high = await client.createTask(projectId, { description: 'say: high', title: 'High priority', priority: 50 });
    const doomed = await client.createTask(projectId, { description: 'fail: on purpose', title: 'Fails on purpose', run: true });
    const dropped = await client.createTask(projectId, { description: 'say: never', title: 'Cancelled draft' });
    await client.cancelTask(projectId, dropped.id);
    await waitForTask(client, doomed.id, 90_000);
    const long = await client.createTask(projectId, { description: 'say: working a while\nsleep: 60000', title: 'Long runner', run: true });

    await page.goto(`${env.stack.url}/projects/${projectId}/board`);
    await column('in_progress').locator(`[data-task-id="${long.id}"]`).waitFor({ timeout: 60_000 });
    const columns = await page.locator('[data-column]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-column')));
    expect(columns).toEqual(['draft', 'ready', 'in_progress', 'completed', 'failed', 'cancelled']);
    expect(await column('draft').locator('.card-title').allTextContents()).toEqual(['High priority', 'Low priority']);
    await column('failed').locator(`[data-task-id="${doomed.id}"]`).waitFor();
    await column('cancelled').locator(`[data-task-id="${dropped.id}"]`).waitFor();
    await card(long.id).getByText('workspace live').waitFor();
    await screenshot(page, 'board');

    const mobile = await env.browser.context.newPage();
    await mobile.setViewportSize({ width: 375, height: 740 });
    await mobile.goto(`${env.stack.url}/projects/${projectId}/board`);
    await mobile.locator(`[data-task-id="${high.id}"]`).waitFor();
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(mobile, 'board-375');
    await mobile.close();
    expect(low.status).toBe('draft');
    await client.cancelTask(projectId, long.id);
  });

  it('switching chat ⇄ board keeps the selected session and both scroll positions', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `say: line ${i}\nthink: thought ${i}`).join('\n');
    const chatty = await env.stack.client.createTask(projectId, { description: lines, title: 'Chatty task', run: true });
    await waitForTask(env.stack.client, chatty.id, 90_000);
    const session = chatty.chatSessionId ?? '';

    await page.goto(`${env.stack.url}/projects/${projectId}/chat`);
    await page.getByRole('navigation', { name: 'Chat sessions' }).getByRole('button', { name: /Chatty task/ }).click();
    await page.waitForURL(new RegExp(`/chat/${session}$`));
    const log = page.getByRole('log', { name: 'Messages' });
    await log.locator('article.message.thinking', { hasText: 'thought 19' }).waitFor();
    await log.evaluate((el) => el.scrollTo(0, 300));
    await expect.poll(() => log.evaluate((el) => el.scrollTop)).toBe(300);

    await page.getByRole('link', { name: 'Board', exact: true }).click();
    const board = page.getByRole('region', { name: 'Board' });
    await board.locator('[data-column="completed"]').waitFor();
    // The board fits the width now (issue 17): its scroll position is kept vertically.
    await page.setViewportSize({ width: 1280, height: 380 });
    await board.evaluate((el) => el.scrollTo(0, 120));
    await expect.poll(() => board.evaluate((el) => el.scrollTop)).toBe(120);

    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await page.waitForURL(new RegExp(`/chat/${session}$`));
    expect(await page.getByRole('navigation', { name: 'Chat sessions' }).locator('[aria-current="true"]').textContent()).toContain('Chatty task');
    expect(await log.evaluate((el) => el.scrollTop)).toBe(300);

    await page.getByRole('link', { name: 'Board', exact: true }).click();
    await page.waitForURL(/\/board$/);
    expect(await board.evaluate((el) => el.scrollTop)).toBe(120);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('settings: default agent and VM size are saved; an agent key is stored, shown masked only, and removed', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.waitForURL(/\/settings$/);
    const form = page.getByRole('form', { name: 'Project settings' });
    await form.getByLabel('Default agent').selectOption('claude-code');
    await form.getByLabel('Default VM size').selectOption('large');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByRole('status').getByText('Settings saved.').waitFor();
    const project = (await env.stack.client.listProjects()).find((p) => p.id === projectId);
    expect(project).toMatchObject({ defaultAgentType: 'claude-code', defaultVmSize: 'large' });
    const keys = page.getByRole('form', { name: 'Agent keys' });
    await keys.getByText('No agent keys stored.').waitFor();
    // Every agent type is offered, by its label.
    expect(await keys.getByLabel('Agent').locator('option').allTextContents()).toEqual(['Claude Code', 'Codex', 'Gemini CLI', 'OpenCode', 'Qwen Code', 'Cline']);
    const secret = 'sk-ant-browser-0123456789abcdef';
    await keys.getByRole('textbox', { name: 'API key' }).fill(secret);
    await keys.getByRole('button', { name: 'Store key' }).click();
    await keys.getByRole('status').getByText('Key stored.').waitFor();
    const stored = keys.getByRole('list', { name: 'Stored keys' }).getByRole('listitem');
    await expect.poll(async () => (await stored.allTextContents()).join('|')).toContain('Claude Code: ••••cdef');
    expect(await keys.getByRole('textbox', { name: 'API key' }).inputValue()).toBe('');
    expect(await page.content()).not.toContain(secret);
    const listed = await (await fetch(`${env.stack.url}/api/credentials`)).json();
    expect(listed).toEqual({ credentials: [expect.objectContaining({ kind: 'agent', name: 'claude-code', masked: '••••cdef' })] });
    await screenshot(page, 'settings');
    // Removed: the list says so and the API has none.
    await keys.getByRole('button', { name: 'Remove the Claude Code key' }).click();
    await keys.getByRole('button', { name: 'Yes, remove' }).click(); // ConfirmButton asks first
    await keys.getByText('No agent keys stored.').waitFor();
    expect(await (await fetch(`${env.stack.url}/api/credentials`)).json()).toEqual({ credentials: [] });
  });
});
