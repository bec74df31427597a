/**
 * Browser: what issue 15 shows the user. The settings page sets how many hot agents the project
 * keeps, says what they cost, and shows how many are ready: after a task, the node it left keeps
 * one prepared and the page says so. Screenshots at 1440 and 375 px wide.
 */
import { waitForTask } from '@flotilla/testkit/stack';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;

/** Both widths the screenshots are taken at, a desktop and a phone, with `show` in view. */
async function screenshots(name: string, show: Locator): Promise<void> {
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await show.scrollIntoViewIfNeeded();
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

beforeAll(async () => {
  env = await bootBrowserStack();
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
});

describe('hot agents in the web app', () => {
  it('sets the hot agents a project keeps, says what they cost, and shows the one ready after a task', async () => {
    const project = await createTestProject(env.stack, env.repo, 'hot-settings');
    await page.goto(`${env.stack.url}/projects/${project.id}/settings`);
    const form = page.getByRole('form', { name: 'Hot agents' });
    const field = form.getByLabel('Hot agents per agent type (0 keeps none)');
    expect(await field.inputValue()).toBe('0');
    expect(await form.textContent()).toContain('node time');
    await form.getByText('None ready now.').waitFor();

    await field.fill('1');
    await form.getByRole('button', { name: 'Save hot agents' }).click();
    await form.getByRole('status').getByText('Hot agents saved.').waitFor();
    expect((await env.stack.client.getProject(project.id)).hotAgents).toBe(1);

    const task = await waitForTask(env.stack.client, (await env.stack.client.createTask(project.id, { description: 'say: warming up', run: true })).id, 120_000);
    expect(task.status).toBe('completed');
    await page.reload();
    await form.getByText('Ready now: 1 Claude Code.').waitFor({ timeout: 60_000 });
    expect(await field.inputValue()).toBe('1');
    await screenshots('settings-hot-agents', form);
  });
});
