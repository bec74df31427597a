/**
 * Browser (issue 16 item 4): a project's triggers on its settings page. A webhook trigger made
 * with the form shows its secret once, with the URL to call; a call with that secret makes the
 * task; "Turn off" turns it off (its calls are refused), Delete removes it; a schedule whose cron
 * expression cannot be read is refused under the form. Screenshots at 1440 and 375 px (light and
 * dark) of the card with a new trigger's secret.
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

/** Screenshots of the triggers section at 1440 and 375 px wide, light and dark. */
const screenshots = (name: string) => screenshotSection(page, 'Triggers', name);

describe('triggers in project settings', () => {
  it('makes a webhook trigger, shows its secret once, and turns it off and deletes it', async () => {
    const project = await createTestProject(env.stack, env.repo, 'triggered');
    await page.goto(`${env.stack.url}/projects/${project.id}/settings`);
    const card = page.getByRole('region', { name: 'Triggers' });
    await card.getByText('No triggers yet.').waitFor();

    const form = page.getByRole('form', { name: 'New trigger' });
    // A project not on github.com offers no GitHub issue trigger.
    expect(await form.getByLabel('Makes a task on').locator('option').allTextContents()).toEqual(['Webhook call', 'Schedule']);
    await form.getByLabel('Name').fill('Deploy failed');
    await form.getByLabel('Task description').fill('The deploy of {{service}} failed: find out why and fix it.');
    await form.getByLabel(/Run the task at once/).uncheck();
    await form.getByRole('button', { name: 'Create trigger' }).click();

    const secret = (await card.getByLabel('Trigger secret').textContent()) ?? '';
    expect(secret).toMatch(/^flt_trg_/);
    const row = card.getByRole('listitem').filter({ hasText: 'Deploy failed' });
    const url = ((await row.locator('code').textContent()) ?? '').replace(/^POST /, '');
    expect(url).toMatch(/\/api\/triggers\/trg_[0-9a-z]+\/webhook$/);
    await screenshots('triggers-settings');

    const call = () => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ service: 'billing' }) });
    expect((await call()).status).toBe(201);
    const [task] = await env.stack.client.listTasks(project.id);
    expect(task).toMatchObject({ status: 'draft', description: 'The deploy of billing failed: find out why and fix it.' });

    // The secret is not shown again once the page is loaded anew.
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Turn off Deploy failed' }).click();
    await row.getByText(/· off/).waitFor();
    expect((await call()).status).toBe(401);
    await row.getByRole('button', { name: 'Delete Deploy failed' }).click();
    await card.getByText('No triggers yet.').waitFor();
  });

  it('refuses a cron expression it cannot read, under the form', async () => {
    const form = page.getByRole('form', { name: 'New trigger' });
    await form.getByLabel('Makes a task on').selectOption('schedule');
    await form.getByLabel('Name').fill('Nightly');
    await form.getByLabel('Cron expression (UTC)').fill('every night');
    await form.getByLabel('Task description').fill('Update the dependencies.');
    await form.getByRole('button', { name: 'Create trigger' }).click();
    await form.getByRole('alert').getByText(/cron:/).waitFor();

    await form.getByLabel('Cron expression (UTC)').fill('0 3 * * *');
    await form.getByRole('button', { name: 'Create trigger' }).click();
    const row = page.getByRole('region', { name: 'Triggers' }).getByRole('listitem').filter({ hasText: 'Nightly' });
    await row.getByText(/Schedule 0 3 \* \* \* \(UTC\) · next/).waitFor();
  });
});
