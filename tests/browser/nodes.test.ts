/**
 * Browser: the nodes page (issue 6, item 9) against the real stack. A task runs with the scripted
 * agent; its node then stays warm (NODE_WARM_TIMEOUT_MS is an hour here), and /nodes, reached
 * from the header, shows it as warm with its time left counting down, its provider and size, and
 * the warm agent the task left it (issue 15).
 */
import { waitForTask, waitUntil } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;

beforeAll(async () => {
  env = await bootBrowserStack({}, { NODE_WARM_TIMEOUT_MS: '3600000' });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
});

describe('nodes page', () => {
  it('shows the node of a finished task as warm with its time left, provider and size; Destroy removes it', async () => {
    const project = await createTestProject(env.stack, env.repo, 'nodes-demo');
    const created = await env.stack.client.createTask(project.id, { description: 'say: warming a node', run: true });
    const task = await waitForTask(env.stack.client, created.id, 120_000);
    expect(task.status).toBe('completed');
    const nodeId = task.nodeId ?? '';
    await waitUntil('the node is warm', async () => {
      const response = await fetch(`${env.stack.url}/api/nodes/${nodeId}`);
      return ((await response.json()) as { status?: string }).status === 'warm';
    });

    await page.goto(env.stack.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Nodes', exact: true }).click();
    await page.waitForURL(/\/nodes$/);
    const card = page.locator(`li.node-card[data-node-id="${nodeId}"]`);
    await card.waitFor();
    expect(await card.getByTestId('node-status').textContent()).toBe('warm');
    // Sandboxed (bubblewrap), the normal case: nothing said about it.
    expect(await card.getByTestId('node-sandbox').count()).toBe(0);
    const left = card.getByTestId('warm-left');
    const first = (await left.textContent()) ?? '';
    // An hour's timeout: 59 minutes and some seconds left, counting down each second.
    expect(first).toMatch(/^59m \d\ds left$/);
    await expect.poll(async () => (await left.textContent()) ?? '', { timeout: 5_000 }).not.toBe(first);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('local');
    expect(text).toContain('small');
    expect(text).toMatch(/Workspaces\s*none/);
    // The task left it a warm agent of its type (the scripted agent stands in for Claude Code).
    expect(await card.getByTestId('node-warm-agent').textContent()).toBe('Claude Code, loaded for the next task');
    for (const width of [1440, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await screenshot(page, `nodes-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // Destroyed by hand: the card goes, and so does the node.
    await card.getByRole('button', { name: `Destroy node ${nodeId}` }).click();
    await card.getByRole('button', { name: 'Yes, destroy' }).click(); // ConfirmButton asks first
    await card.waitFor({ state: 'detached', timeout: 30_000 });
    expect(((await (await fetch(`${env.stack.url}/api/nodes/${nodeId}`)).json()) as { status?: string }).status).toBe('destroyed');
  });
});
