/**
 * Browser: running a project's nodes in Hetzner Cloud from the settings page. A token Hetzner
 * refuses is not stored and the page says why; a valid one is checked, stored and shown only
 * masked; "Nodes run on: Hetzner Cloud" is saved as the project's provider. The Hetzner API is
 * the fake one of testkit (the outside world); everything else is the real stack.
 */
import { randomBytes } from 'node:crypto';
import { startFakeHetzner, type FakeHetzner } from '@flotilla/testkit/fake-hetzner';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

const TOKEN = 'hcloud-browser-token-8d2f6a41';
let hetzner: FakeHetzner;
let env: BrowserStack;
let page: Page;

beforeAll(async () => {
  hetzner = await startFakeHetzner({ tokens: [TOKEN] });
  env = await bootBrowserStack({}, { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), HETZNER_API_URL: hetzner.url });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
  await hetzner?.close();
});

describe('cloud settings', () => {
  it('stores a Hetzner token only once Hetzner accepts it, and moves the project onto Hetzner nodes', async () => {
    const project = await createTestProject(env.stack, env.repo, 'to-the-cloud');
    await page.goto(`${env.stack.url}/projects/${project.id}/settings`);
    const cloud = page.getByRole('form', { name: 'Hetzner Cloud API token' });
    await cloud.getByText('Nothing stored yet.').waitFor();

    await cloud.getByLabel('Hetzner Cloud token').fill('not-a-hetzner-token');
    await cloud.getByRole('button', { name: 'Store token' }).click();
    await cloud.getByRole('alert').getByText(/hetzner refused this token/).waitFor();
    expect(await (await fetch(`${env.stack.url}/api/credentials`)).json()).toEqual({ credentials: [] });

    await cloud.getByLabel('Hetzner Cloud token').fill(TOKEN);
    await cloud.getByRole('button', { name: 'Store token' }).click();
    await cloud.getByText(`••••${TOKEN.slice(-4)}`).waitFor();
    expect(await page.content()).not.toContain(TOKEN);

    const settings = page.getByRole('form', { name: 'Project settings' });
    expect(await settings.getByLabel('Nodes run on').locator('option').allTextContents()).toEqual(['This machine (local)', 'Hetzner Cloud']);
    await settings.getByLabel('Nodes run on').selectOption('hetzner');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByRole('status').getByText('Settings saved.').waitFor();
    expect((await env.stack.client.listProjects()).find((p) => p.id === project.id)?.defaultProvider).toBe('hetzner');
    await screenshot(page, 'settings-cloud');
  });
});
