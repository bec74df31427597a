/**
 * Browser: notifications in project settings (issue 16, item 3). A project's webhook, whose
 * receiver answers 500 once, gets a completed task's event; the settings page lists the webhook,
 * "Deliveries" shows both attempts (500, will retry; then 204); adding a Slack-compatible webhook
 * through the form shows its secret once; "Browser notifications" offers "Notify me". Screenshots
 * at 1440 and 375 px, light and dark, and of the browser notifications section at 1440 px.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitForTask } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
let receiverUrl = '';
let closeReceiver: () => Promise<void> = async () => {};
let dark: Browser | null = null;

beforeAll(async () => {
  // Answers 500 to the first request, then 204.
  const answers = [500];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(answers.shift() ?? 204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeReceiver = () => new Promise<void>((resolve) => server.close(() => resolve()));
  env = await bootBrowserStack({}, { NOTIFICATION_RETRY_BASE_MS: '300' });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await dark?.close();
  await env?.close();
  await closeReceiver();
});

/** Screenshots of `target`'s page at 1440 and 375 px wide (`<name>-<width><suffix>`), the webhooks scrolled into view (then back to 1280). */
async function screenshots(target: Page, name: string, suffix = ''): Promise<void> {
  for (const width of [1440, 375]) {
    await target.setViewportSize({ width, height: 900 });
    await target.getByRole('region', { name: 'Webhooks' }).scrollIntoViewIfNeeded();
    await screenshot(target, `${name}-${width}${suffix}`);
  }
  await target.setViewportSize({ width: 1280, height: 800 });
}

describe('notifications in project settings', () => {
  it('lists the webhook with its delivery log, adds one showing its secret once, and offers "Notify me"', async () => {
    const project = await createTestProject(env.stack, env.repo, 'notified');
    const hook = await env.stack.client.createWebhook(project.id, { url: `${receiverUrl}/json`, events: ['task.completed'] });
    const created = await env.stack.client.createTask(project.id, { description: 'say: done', run: true });
    expect((await waitForTask(env.stack.client, created.id, 180_000)).status).toBe('completed');
    await expect.poll(async () => (await env.stack.client.listWebhookDeliveries(project.id, hook.id)).length).toBe(2);

    await page.goto(`${env.stack.url}/projects/${project.id}/settings`);
    const webhooks = page.getByRole('region', { name: 'Webhooks' });
    const row = webhooks.getByRole('listitem').filter({ hasText: `${receiverUrl}/json` });
    await row.waitFor();
    expect(await row.textContent()).toContain('Task completed');
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const log = row.getByRole('table');
    await log.getByRole('row').nth(2).waitFor();
    const cells = await log.getByRole('row').evaluateAll((rows) => rows.slice(1).map((r) => [...r.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    expect(cells).toEqual([
      ['Task completed', '2', '204'],
      ['Task completed', '1', expect.stringMatching(/^500 · .*500 · will retry$/)],
    ]);

    const form = webhooks.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('Webhook URL').fill(`${receiverUrl}/slack`);
    await form.getByLabel(/Slack-compatible format/).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secret = webhooks.getByRole('status').filter({ hasText: 'shown only now' });
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/whsec_[0-9a-f]{64}/);
    await webhooks.getByRole('listitem').filter({ hasText: `${receiverUrl}/slack` }).getByText(/Slack format/).waitFor();

    const push = page.getByRole('region', { name: 'Browser notifications' });
    // Headless Chromium may or may not offer Web Push; the section says which.
    await push.getByLabel('Notify me in this browser').or(push.getByText('cannot show push notifications')).first().waitFor();
    await screenshots(page, 'notifications-settings');
    await page.setViewportSize({ width: 1440, height: 900 });
    await push.scrollIntoViewIfNeeded();
    await screenshot(page, 'notifications-push-1440');
    await page.setViewportSize({ width: 1280, height: 800 });

    dark = await launchBrowser({ colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    await darkPage.goto(`${env.stack.url}/projects/${project.id}/settings`);
    const darkRow = darkPage.getByRole('region', { name: 'Webhooks' }).getByRole('listitem').filter({ hasText: `${receiverUrl}/json` });
    await darkRow.getByRole('button', { name: 'Deliveries' }).click();
    await darkRow.getByRole('table').getByRole('row').nth(2).waitFor();
    await screenshots(darkPage, 'notifications-settings', '-dark');
  });
});
