/**
 * Browser (issue 14, item 5): the "Audit log" section at the end of a project's settings. Events
 * made through the API read as plain sentences, newest first ("local cancelled task “…”"); "Load
 * older" adds the page before; saving the settings form adds its event at the top. Screenshots
 * at 1440 and 375 px (light and dark) of the section.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotSection } from './browser.js';
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

/** Screenshots of the audit log section at 1440 and 375 px wide, light and dark. */
const screenshots = (name: string) => screenshotSection(page, 'Audit log', name);

describe('the audit log in project settings', () => {
  it('shows who did what, newest first, loads older events, and adds a settings change', async () => {
    const project = await createTestProject(env.stack, env.repo, 'audited');
    // 1 (project) + 2 × 11 (created, cancelled) = 23 events: more than one page of 20.
    for (let n = 1; n <= 11; n += 1) {
      const task = await env.stack.client.createTask(project.id, { title: `Fix the parser, part ${n}`, description: 'say: fixed' });
      await env.stack.client.cancelTask(project.id, task.id);
    }

    await page.goto(`${env.stack.url}/projects/${project.id}/settings`);
    const section = page.getByRole('region', { name: 'Audit log' });
    const events = section.getByRole('list', { name: 'Audit events' }).getByRole('listitem');
    await events.first().waitFor();
    expect(await events.count()).toBe(20);
    expect(await events.first().textContent()).toMatch(/local cancelled task “Fix the parser, part 11”$/);
    expect(await events.nth(1).textContent()).toMatch(/local created task “Fix the parser, part 11”$/);
    expect(await events.first().locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await screenshots('audit-log');

    await section.getByRole('button', { name: 'Load older' }).click();
    await expect.poll(() => events.count()).toBe(23);
    expect(await events.last().textContent()).toMatch(/local created project “audited”$/);
    expect(await section.getByRole('button', { name: 'Load older' }).count()).toBe(0);

    await page.getByLabel('Default VM size').selectOption('medium');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => events.first().textContent()).toMatch(/local changed the project's default agent, default VM size, default provider$/);
  });
});
