/**
 * Browser: workspaces within reach (issue 17, items 3–4) against the real stack. A failed task's
 * kept workspace is linked from its chat session (with when it expires), its board card and its
 * node on the nodes page; Open goes to the workspace page, titled by project, task and branch,
 * whose terminal shows the shell's prompt without a key press; Delete removes it. A workspace
 * made by hand is found again from its chat session. Screenshots
 * workspaces-{session,nodes,workspace-page}-{1440,375}.png and workspaces-workspace-page-dark.png.
 */
import type { Page } from 'playwright-core';
import { waitForTask, waitForWorkspaceRunning } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
let projectId = '';
const PROJECT_NAME = 'workspaces-demo';

beforeAll(async () => {
  env = await bootBrowserStack();
  page = await env.browser.newPage();
  projectId = (await createTestProject(env.stack, env.repo, PROJECT_NAME)).id;
});

afterAll(async () => {
  await env?.close();
});

/** Screenshots `<name>-1440` and `<name>-375` of the page as it is. */
async function screenshotsAtBothWidths(name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, `${name}-1440`);
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, `${name}-375`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('workspaces within reach', () => {
  it("a failed task's kept workspace: linked from its session, its card and its node; the workspace page; Delete", async () => {
    const created = await env.stack.client.createTask(projectId, { title: 'Look around and fail', description: 'say: looking around\nfail: on purpose', run: true });
    const task = await waitForTask(env.stack.client, created.id, 120_000);
    expect(task.status).toBe('failed');
    const workspaceId = task.workspaceId ?? '';
    const branch = `task/${task.id}`;

    // The chat session links it, saying until when it is kept.
    await page.goto(`${env.stack.url}/projects/${projectId}/chat/${task.chatSessionId}`);
    const header = page.locator('.session-header');
    const link = header.locator(`[data-workspace-id="${workspaceId}"]`);
    await link.waitFor();
    expect(await link.getByTestId('workspace-kept-until').textContent()).toMatch(/^kept until \d\d:\d\d (today|tomorrow)$/);
    await screenshotsAtBothWidths('workspaces-session');

    // The board card links it.
    await page.goto(`${env.stack.url}/projects/${projectId}/board`);
    const card = page.locator(`article.kanban-card[data-task-id="${task.id}"]`);
    await card.getByRole('link', { name: 'Open kept workspace' }).waitFor();

    // The nodes page shows the node's project and task, linked.
    await page.goto(`${env.stack.url}/nodes`);
    const node = page.locator(`[data-node-id="${task.nodeId}"]`);
    await node.getByRole('link', { name: `Workspace of “Look around and fail” · ${PROJECT_NAME}`, exact: true }).waitFor();
    await node.getByRole('link', { name: /^Open workspace of/ }).waitFor();
    await screenshotsAtBothWidths('workspaces-nodes');

    // Open, from the session: the page is titled by project, task and branch.
    await page.goto(`${env.stack.url}/projects/${projectId}/chat/${task.chatSessionId}`);
    await link.getByRole('link', { name: 'Open kept workspace' }).click();
    await page.waitForURL(new RegExp(`/workspaces/${workspaceId}$`));
    const title = page.getByRole('heading', { level: 1 });
    await expect.poll(() => title.textContent()).toBe(`${PROJECT_NAME} · Look around and fail ${branch}`);
    // The agent stopped with its task: the page does not claim to wait for it.
    await expect.poll(() => page.getByTestId('stream-empty').textContent()).toMatch(/its task failed/);

    // The terminal shows the shell's prompt with no key pressed.
    const terminal = page.getByRole('region', { name: 'Terminal' });
    await terminal.getByText('connected').waitFor();
    await expect.poll(async () => ((await terminal.locator('.xterm-rows').textContent()) ?? '').trim(), { timeout: 20_000 }).toMatch(/[$#]$/);
    await screenshotsAtBothWidths('workspaces-workspace-page');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await terminal.getByText('connected').waitFor();
    await expect.poll(async () => ((await terminal.locator('.xterm-rows').textContent()) ?? '').trim(), { timeout: 20_000 }).toMatch(/[$#]/);
    await screenshot(page, 'workspaces-workspace-page-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Delete, from the session: the link goes, the workspace is destroyed and the node released.
    await page.goto(`${env.stack.url}/projects/${projectId}/chat/${task.chatSessionId}`);
    await link.getByRole('button', { name: 'Delete kept workspace' }).click();
    await link.getByRole('button', { name: 'Yes, delete' }).click();
    await link.waitFor({ state: 'detached' });
    expect((await env.stack.client.listWorkspaces(projectId)).map((w) => w.workspaceId)).not.toContain(workspaceId);
  });

  it("a running task's workspace: its terminal shows the prompt with no key pressed", async () => {
    const task = await env.stack.client.createTask(projectId, { title: 'Still working', description: 'say: working\nsleep: 60000', run: true });
    await expect
      .poll(async () => {
        const t = await env.stack.client.getTask(task.id);
        return t.status === 'in_progress' && t.executionStep === 'running' ? t.workspaceId : null;
      }, { timeout: 120_000, interval: 250 })
      .not.toBeNull();
    const workspaceId = (await env.stack.client.getTask(task.id)).workspaceId ?? '';
    await page.goto(`${env.stack.url}/projects/${projectId}/workspaces/${workspaceId}`);
    const terminal = page.getByRole('region', { name: 'Terminal' });
    await terminal.getByText('connected').waitFor();
    await expect.poll(async () => ((await terminal.locator('.xterm-rows').textContent()) ?? '').trim(), { timeout: 20_000 }).toMatch(/[$#]$/);
    await env.stack.client.cancelTask(projectId, task.id);
  });

  it('a workspace made by hand is found again from its chat session', async () => {
    const manual = await env.stack.client.createWorkspace(projectId);
    await waitForWorkspaceRunning(env.stack.client, projectId, manual.workspaceId);
    await page.goto(`${env.stack.url}/projects/${projectId}/chat/${manual.chatSessionId}`);
    const link = page.locator('.session-header').locator(`[data-workspace-id="${manual.workspaceId}"]`);
    await link.getByRole('link', { name: 'Open workspace made by hand' }).click();
    await page.waitForURL(new RegExp(`/workspaces/${manual.workspaceId}$`));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`${PROJECT_NAME} · Workspace workspace/${manual.workspaceId}`);
    await expect.poll(() => page.getByTestId('stream-empty').textContent()).toMatch(/waiting for your message/);
    await env.stack.client.deleteWorkspace(projectId, manual.workspaceId);
  });
});
