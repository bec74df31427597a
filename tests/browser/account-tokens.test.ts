/**
 * Browser (issue 14 item 4): personal API tokens on the Account page of a control plane that
 * requires its shared token (the browser signs in first), reached from the main navigation. A token made with the form (one project, the default expiry) shows its secret once;
 * the secret works against the API within its scope; the list shows its name, prefix, scope and
 * dates; after a reload the secret is gone from the page; Revoke (asked first) removes it and the
 * API refuses it. Screenshots at 1440 and 375 px (no sideways scrolling) of the page with a new
 * token's secret.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

const SHARED = 'browser-account-shared-token';

let env: BrowserStack;
let page: Page;

beforeAll(async () => {
  env = await bootBrowserStack({}, {}, { apiToken: SHARED });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
});

/** Screenshots of the page at 1440 and 375 px wide (then back to 1280). */
async function screenshots(name: string): Promise<void> {
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.getByRole('heading', { name: 'API tokens' }).scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

const call = (path: string, token: string) => fetch(`${env.stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('API tokens on the Account page', () => {
  it('creates a token scoped to one project, shows its secret once, lists it, and revokes it', async () => {
    const alpha = await createTestProject(env.stack, env.repo, 'alpha');
    const beta = await createTestProject(env.stack, env.repo, 'beta');
    await page.goto(env.stack.url);
    const signIn = page.getByRole('form', { name: 'Sign in' });
    await signIn.getByLabel('API token').fill(SHARED);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    const card = page.getByRole('region', { name: 'API tokens' });
    await card.getByText('No API tokens yet.').waitFor();

    const form = page.getByRole('form', { name: 'New API token' });
    await form.getByLabel('Name').fill('laptop');
    await form.getByLabel('Only these projects').check();
    await form.getByLabel('alpha').check();
    expect(await form.getByLabel('Expires').inputValue()).toBe('90');
    await form.getByRole('button', { name: 'Create token' }).click();

    const secret = (await card.getByLabel('New API token').textContent()) ?? '';
    expect(secret).toMatch(/^flt_[A-Za-z0-9_-]{43}$/);
    await card.getByRole('button', { name: /Copy token/ }).waitFor();
    const row = card.getByRole('listitem').filter({ hasText: 'laptop' });
    await row.getByText(`${secret.slice(0, 12)}…`).waitFor();
    await row.getByText('alpha', { exact: true }).waitFor();
    await row.getByText(/last used never/).waitFor();
    await screenshots('account-tokens');

    expect((await call(`/api/projects/${alpha.id}`, secret)).status).toBe(200);
    expect((await call(`/api/projects/${beta.id}`, secret)).status).toBe(404);
    expect((await call('/api/nodes', secret)).status).toBe(403);

    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke token laptop' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await card.getByText('No API tokens yet.').waitFor();
    const refused = await call(`/api/projects/${alpha.id}`, secret);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('this API token was revoked');
  });
});
