/**
 * Browser: labels and states that mean something, and a board that fits (issue 17, items 5 and 6),
 * against the real stack with the scripted agent. The board at 1440 px shows every column with no
 * horizontal overflow (light and dark); at 375 px it starts on the first column holding cards; a
 * draft dragged to Ready is ready, a failed card dragged to Ready runs again; a completed session
 * shows no "live"; Cancel asks first ("Keep" keeps the run, "Yes, cancel" cancels); a draft's card
 * and editor show its agent; an unknown project shows a not-found page with a way back; each page
 * has its tab title; "Settings saved." goes away.
 */
import { AGENT_CATALOG, type Task } from '@flotilla/contracts';
import { waitForTask } from '@flotilla/testkit/stack';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
let projectId = '';
const PROJECT_NAME = 'labels-demo';

beforeAll(async () => {
  env = await bootBrowserStack();
  page = await env.browser.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  projectId = (await createTestProject(env.stack, env.repo, PROJECT_NAME)).id;
});

afterAll(async () => {
  await env?.close();
});

const column = (p: Page, status: string) => p.locator(`[data-column="${status}"]`);
const card = (p: Page, taskId: string) => p.locator(`article.kanban-card[data-task-id="${taskId}"]`);
const status = async (taskId: string) => (await env.stack.client.getTask(taskId)).status;

/** Drags `from` onto `to` with small pointer steps (dnd-kit starts a drag after a few pixels). */
async function drag(p: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('drag: an element is not visible');
  await p.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await p.mouse.down();
  await p.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 12, { steps: 6 });
  await p.mouse.move(b.x + b.width / 2, b.y + 60, { steps: 20 });
  await p.mouse.up();
}

describe('board, labels and confirmations', () => {
  let draft: Task;
  let failed: Task;
  let done: Task;
  let running: Task;

  it('fits every column at 1440 px (light and dark), and drag and drop makes legal moves', async () => {
    const client = env.stack.client;
    draft = await client.createTask(projectId, { description: 'say: dragged to ready', title: 'Drag me to Ready', agentType: 'codex', vmSize: 'medium' });
    failed = await client.createTask(projectId, { description: 'fail: on purpose', title: 'Fails first', run: true });
    done = await client.createTask(projectId, { description: 'say: all done', title: 'Done already', run: true });
    await waitForTask(client, failed.id, 90_000);
    await waitForTask(client, done.id, 90_000);

    await page.goto(`${env.stack.url}/projects/${projectId}/board`);
    await card(page, failed.id).waitFor();
    await expect.poll(() => page.title()).toBe(`${PROJECT_NAME} · Board — Flotilla`);
    const board = page.getByRole('region', { name: 'Board' });
    const overflow = await board.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
    for (const name of ['draft', 'ready', 'in_progress', 'completed', 'failed', 'cancelled']) {
      const box = await column(page, name).boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(1440);
    }
    // Words a user knows: "Done", "Running", not "completed" / "in progress".
    expect(await column(page, 'completed').locator('.column-title').textContent()).toMatch(/^Done/);
    expect(await column(page, 'in_progress').locator('.column-title').textContent()).toMatch(/^Running/);
    // The draft's card shows the agent and VM size it will run with.
    expect(await card(page, draft.id).getByTestId('card-agent').textContent()).toBe(`${AGENT_CATALOG.codex.label} · medium`);
    await screenshot(page, 'board-fit-1440');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'board-fit-1440-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // draft → Ready by drag and drop: marked ready in the API.
    await drag(page, page.getByRole('button', { name: 'Move Drag me to Ready' }), column(page, 'ready'));
    await expect.poll(() => status(draft.id), { timeout: 20_000 }).toBe('ready');
    await column(page, 'ready').locator(`[data-task-id="${draft.id}"]`).waitFor();

    // An illegal drop (a completed card has no move) changes nothing: it has no handle at all.
    expect(await page.getByRole('button', { name: 'Move Done already' }).count()).toBe(0);

    // failed → Ready: a retry, which runs it again.
    await drag(page, page.getByRole('button', { name: 'Move Fails first' }), column(page, 'ready'));
    await expect.poll(() => status(failed.id), { timeout: 30_000 }).not.toBe('failed');
  });

  it('at 375 px shows the first column holding cards first', async () => {
    const mobile = await env.browser.newPage();
    await mobile.setViewportSize({ width: 375, height: 740 });
    await mobile.goto(`${env.stack.url}/projects/${projectId}/board`);
    await mobile.locator('[data-column].picked .kanban-card').first().waitFor();
    const tasks = await env.stack.client.listTasks(projectId);
    const order = ['draft', 'ready', 'queued', 'delegated', 'in_progress', 'completed', 'failed', 'cancelled'];
    const shown = await mobile.locator('[data-column].picked').getAttribute('data-column');
    const firstNonEmpty = order.find((s) => tasks.some((t) => t.status === s));
    // Columns can change while the retried task runs; the one shown is never an empty one.
    expect(tasks.some((t) => t.status === shown)).toBe(true);
    expect(order.indexOf(shown ?? '')).toBeLessThanOrEqual(order.indexOf(firstNonEmpty ?? 'cancelled') + 3);
    if (shown !== 'draft') expect(await column(mobile, 'draft').isVisible()).toBe(false);
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(mobile, 'board-fit-375');
    await mobile.close();
  });

  it('a draft\'s editor lets you change its agent', async () => {
    const other = await env.stack.client.createTask(projectId, { description: 'say: agent pick', title: 'Pick an agent', agentType: 'gemini' });
    await page.goto(`${env.stack.url}/projects/${projectId}/board`);
    await card(page, other.id).getByRole('button', { name: 'Edit' }).click();
    const editor = card(page, other.id).getByRole('form');
    const agent = editor.locator('.agent-select select');
    expect(await agent.inputValue()).toBe('gemini');
    await screenshot(page, 'draft-agent-1440');
    await agent.selectOption('opencode');
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await env.stack.client.getTask(other.id)).agentType).toBe('opencode');
  });

  it('a completed session is not "live"; its title is the task\'s', async () => {
    await page.goto(`${env.stack.url}/projects/${projectId}/chat/${done.chatSessionId}`);
    await page.locator('.session-header [data-status="completed"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.title()).toBe('Done already — Flotilla');
    expect(await page.locator('.session-header .socket').count()).toBe(0);
    const item = page.getByRole('navigation', { name: 'Chat sessions' }).getByRole('button', { name: /Done already/ });
    expect(await item.getByRole('img', { name: 'live' }).count()).toBe(0);
  });

  it('Cancel asks first: "Keep" keeps the run, "Yes, cancel" cancels it', async () => {
    running = await env.stack.client.createTask(projectId, { description: 'say: working a while\nsleep: 60000', title: 'Long runner', run: true });
    await expect.poll(() => status(running.id), { timeout: 60_000 }).toBe('in_progress');
    const mobile = await env.browser.newPage();
    await mobile.setViewportSize({ width: 375, height: 740 });
    await mobile.goto(`${env.stack.url}/projects/${projectId}/chat/${running.chatSessionId}`);
    await mobile.getByRole('button', { name: 'Cancel task' }).click();
    await mobile.getByRole('button', { name: 'Keep' }).waitFor();
    await screenshot(mobile, 'confirm-cancel-375');
    await mobile.keyboard.press('Escape');
    await mobile.getByRole('button', { name: 'Cancel task' }).waitFor();
    await mobile.close();

    await page.goto(`${env.stack.url}/projects/${projectId}/chat/${running.chatSessionId}`);
    await page.getByRole('button', { name: 'Cancel task' }).click();
    const keep = page.getByRole('button', { name: 'Keep' });
    await keep.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep');
    await screenshot(page, 'confirm-cancel-1440');
    await keep.click();
    expect(await status(running.id)).toBe('in_progress');
    await page.getByRole('button', { name: 'Cancel task' }).click();
    await page.getByRole('button', { name: 'Yes, cancel' }).click();
    await expect.poll(() => status(running.id), { timeout: 30_000 }).toBe('cancelled');
  });

  it('an unknown project shows a not-found page with a way back, quickly', async () => {
    const started = Date.now();
    await page.goto(`${env.stack.url}/projects/prj_does_not_exist/board`);
    await page.getByRole('heading', { name: 'Project not found' }).waitFor();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await page.getByRole('textbox').count()).toBe(0);
    await expect.poll(() => page.title()).toBe('Project not found — Flotilla');
    await screenshot(page, 'not-found-1440');
    const mobile = await env.browser.newPage();
    await mobile.setViewportSize({ width: 375, height: 740 });
    await mobile.goto(`${env.stack.url}/projects/prj_does_not_exist`);
    await mobile.getByRole('heading', { name: 'Project not found' }).waitFor();
    await screenshot(mobile, 'not-found-375');
    await mobile.close();
    await page.getByRole('link', { name: 'Back to projects' }).click();
    await page.getByRole('link', { name: new RegExp(PROJECT_NAME) }).waitFor();
    await expect.poll(() => page.title()).toBe('Projects — Flotilla');

    await page.goto(`${env.stack.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();

    // An unknown workspace: the error, a way back, and nothing to type into.
    await page.goto(`${env.stack.url}/projects/${projectId}/workspaces/ws_does_not_exist`);
    await page.getByText('Workspace not found').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('textbox').count()).toBe(0);
  });

  it('tab titles say where you are; "Settings saved." goes away', async () => {
    await page.goto(`${env.stack.url}/nodes`);
    await expect.poll(() => page.title()).toBe('Nodes — Flotilla');
    // The chat opens the newest session, and the tab names its task.
    await page.goto(`${env.stack.url}/projects/${projectId}/chat`);
    await page.waitForURL(/\/chat\/ses_[^/]+$/);
    const openSessionId = new URL(page.url()).pathname.split('/').pop();
    const openSession = (await env.stack.client.listSessions(projectId)).find((s) => s.id === openSessionId);
    expect(openSession?.task?.title).toBeTruthy();
    await expect.poll(() => page.title()).toBe(`${openSession?.task?.title} — Flotilla`);
    await page.goto(`${env.stack.url}/projects/${projectId}/settings`);
    await expect.poll(() => page.title()).toBe(`Settings · ${PROJECT_NAME} — Flotilla`);
    const form = page.getByRole('form', { name: 'Project settings' });
    // The settings scroll as a page: the window scrolls, not an inner pane.
    await form.waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight)).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 200));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await form.getByRole('button', { name: 'Save settings' }).click();
    const saved = form.getByRole('status').getByText('Settings saved.');
    await saved.waitFor();
    await saved.waitFor({ state: 'detached', timeout: 30_000 });
  });
});
