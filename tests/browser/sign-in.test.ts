/**
 * Browser: the sign-in page of a control plane that requires its API token (FLOTILLA_API_TOKEN).
 * The page shows only the sign-in form (the API answers the page 401 without the cookie); a
 * wrong token says so; the right one shows the projects and survives a reload; a task run from
 * the project page streams live (the WebSocket carries the cookie); a lost cookie brings the
 * sign-in page back on the next API call; "Sign out" returns to the sign-in form.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

const TOKEN = 'browser-test-api-token';

let env: BrowserStack;
let page: Page;

beforeAll(async () => {
  env = await bootBrowserStack({}, {}, { apiToken: TOKEN });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
});

const signInForm = (on: Page = page) => on.getByRole('form', { name: 'Sign in' });
/** Status of `GET /api/projects` asked from the page (with whatever cookie it has). */
const projectsStatus = () => page.evaluate(() => fetch('/api/projects').then((r) => r.status));
const sessionCookie = async () => (await env.browser.context.cookies()).find((c) => c.name === 'flotilla_session');

async function signIn(token: string): Promise<void> {
  await signInForm().getByLabel('API token').fill(token);
  await signInForm().getByRole('button', { name: 'Sign in' }).click();
}

describe('sign-in with the API token', () => {
  let projectId = '';

  it('shows only the sign-in form until signed in; a wrong token says so', async () => {
    projectId = (await createTestProject(env.stack, env.repo, 'guarded-project')).id;
    await page.goto(env.stack.url);
    await signInForm().waitFor();
    expect(await signInForm().getByLabel('API token').getAttribute('type')).toBe('password');
    expect(await page.getByText('guarded-project').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await projectsStatus()).toBe(401);
    await screenshot(page, 'sign-in');

    await signIn('not-the-token');
    await signInForm().getByRole('alert').getByText('Wrong API token.').waitFor();
    expect(await sessionCookie()).toBeUndefined();
    expect(await projectsStatus()).toBe(401);
  });

  it('works 375 px wide in dark mode', async () => {
    const mobile = await env.browser.context.newPage();
    await mobile.setViewportSize({ width: 375, height: 740 });
    await mobile.emulateMedia({ colorScheme: 'dark' });
    await mobile.goto(env.stack.url);
    await signInForm(mobile).waitFor();
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(mobile, 'sign-in-375-dark');
    await mobile.close();
  });

  it('the right token shows the projects, and a reload stays signed in', async () => {
    await signIn(TOKEN);
    await page.getByRole('link', { name: /guarded-project/ }).waitFor();
    expect(await signInForm().count()).toBe(0);
    const cookie = await sessionCookie();
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(cookie?.value).not.toContain(TOKEN);
    expect(await projectsStatus()).toBe(200);

    await page.reload();
    await page.getByRole('link', { name: /guarded-project/ }).waitFor();
    expect(await signInForm().count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('a task run from the project page streams live over the WebSocket', async () => {
    await page.goto(`${env.stack.url}/projects/${projectId}/chat`);
    await page.getByLabel('Describe a task').fill('say: streamed with the cookie\nsleep: 1500\nsay: still streaming');
    await page.getByRole('button', { name: 'Run Now' }).click();
    await page.waitForURL(/\/chat\/ses_[^/]+$/);
    const said = (text: string) => page.getByRole('log', { name: 'Messages' }).locator('article.message:not(.user)', { hasText: text });
    await said('streamed with the cookie').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('.session-header .socket').textContent()).toBe('live');
    // Messages come only over the socket once the session is open (no polling of messages).
    await said('still streaming').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('.session-header .badge').getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');
  });

  it('a lost cookie brings the sign-in page back on the next API call; signing in again returns to the page', async () => {
    await env.browser.context.clearCookies();
    // A request the open page makes by itself may already meet the 401 and show the form, so the
    // next API call is the one a page load makes.
    await page.goto(`${env.stack.url}/nodes`);
    await signInForm().waitFor();
    expect(page.url()).toBe(`${env.stack.url}/nodes`);
    await signIn(TOKEN);
    await page.getByRole('heading', { name: 'Nodes' }).waitFor();
  });

  it('"Sign out" returns to the sign-in form and clears the cookie', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInForm().waitFor();
    expect(await page.getByRole('heading', { name: 'Nodes' }).count()).toBe(0);
    expect(await sessionCookie()).toBeUndefined();
    expect(await projectsStatus()).toBe(401);
    await page.reload();
    await signInForm().waitFor();
  });
});
