/**
 * Browser: sign-in with OpenID Connect through the real redirect flow (issue 14 item 1), against
 * the testkit's fake OpenID provider, on a control plane with a provider and no API token (local
 * mode, as the tests run). Two users in separate browsers: each is named by `/api/me`; A's "Sign
 * out" revokes A's session on the server (the old cookie, replayed, gets 401); B's "Sign out
 * everywhere" ends B's sessions in both of B's browsers; cookie-authenticated writes from another
 * origin, or without an Origin, are refused. Then, with an email domain allowlist and approval
 * required: a user outside the domains is told "Not allowed"; a new user waits until the admin
 * (the first user) approves them on the users page.
 */
import { startFakeOidc, type FakeOidc } from '@flotilla/testkit/fake-oidc';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { bootBrowserStack, type BrowserStack } from './stack.js';

const COOKIE = 'flotilla_user';

let idp: FakeOidc;
let env: BrowserStack;
let pageA: Page;
let browserB1: Browser;
let browserB2: Browser;
let pageB1: Page;
let pageB2: Page;

beforeAll(async () => {
  idp = await startFakeOidc({
    users: [
      { login: 'alice', email: 'alice@example.com', name: 'Alice Admin' },
      { login: 'bob', email: 'bob@example.com' },
      { login: 'carol', email: 'carol@example.com' },
      { login: 'mallory', email: 'mallory@elsewhere.test' },
    ],
  });
  env = await bootBrowserStack({}, { AUTH_OIDC_ISSUER: idp.issuer, AUTH_OIDC_CLIENT_ID: idp.clientId, AUTH_OIDC_CLIENT_SECRET: idp.clientSecret, AUTH_OIDC_NAME: 'Keycloak' });
  pageA = await env.browser.newPage();
  browserB1 = await launchBrowser();
  browserB2 = await launchBrowser({ width: 375, height: 740, colorScheme: 'dark' });
  pageB1 = await browserB1.newPage();
  pageB2 = await browserB2.newPage();
});

afterAll(async () => {
  await browserB1?.close();
  await browserB2?.close();
  await env?.close();
  await idp?.close();
});

/** Screenshots of `page` at 1440 and 375 px wide, light and dark (its size and scheme restored after). */
async function screenshots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 740 : 900 });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await screenshot(page, `${name}-${width}-${colorScheme}`);
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((el) => `${el.tagName}.${el.className}`).slice(0, 8).join(' '));
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `too wide: ${wide}`).toBeLessThanOrEqual(width);
    }
  }
  await page.setViewportSize(size);
  await page.emulateMedia({ colorScheme: null });
}

/** Sign in on `page` with the fake provider as `login`, from the sign-in page. */
async function signInAs(page: Page, login: string): Promise<void> {
  await page.goto(env.stack.url);
  await page.getByRole('link', { name: 'Sign in with Keycloak' }).click();
  await page.getByRole('button', { name: `Sign in as ${login}` }).click();
  await page.waitForURL(`${env.stack.url}/**`);
}

/** `/api/me`'s login as asked from `page` (its cookies), or the status when not 200. */
const meOf = (page: Page) => page.evaluate(() => fetch('/api/me').then(async (r) => (r.ok ? ((await r.json()) as { login: string }).login : r.status)));
const projectsStatus = (page: Page) => page.evaluate(() => fetch('/api/projects').then((r) => r.status));
const cookieOf = async (browser: Browser) => (await browser.context.cookies()).find((c) => c.name === COOKIE)?.value;
/** A request from outside any browser carrying `cookie` as the session cookie. */
const withCookie = (path: string, cookie: string, init: RequestInit = {}) =>
  fetch(`${env.stack.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: `${COOKIE}=${cookie}` } });

describe('sign-in with OpenID Connect', () => {
  it('the sign-in page offers the provider (no token form: the API has no token); A signs in through the provider', async () => {
    await pageA.goto(env.stack.url);
    await pageA.getByRole('link', { name: 'Sign in with Keycloak' }).waitFor();
    expect(await pageA.getByLabel('API token').count()).toBe(0);
    expect(await projectsStatus(pageA)).toBe(401);
    await screenshots(pageA, 'sign-in-oidc');

    await signInAs(pageA, 'alice');
    await pageA.getByRole('heading', { name: 'Projects' }).waitFor();
    const account = pageA.getByLabel('Account');
    await account.getByText('alice').waitFor();
    await account.getByRole('button', { name: 'Sign out everywhere' }).waitFor();
    expect(await meOf(pageA)).toBe('alice');
    expect(await projectsStatus(pageA)).toBe(200);
    const cookie = (await env.browser.context.cookies()).find((c) => c.name === COOKIE);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    await screenshots(pageA, 'signed-in-header');
  });

  it('B signs in in two browsers; /api/me names each user', async () => {
    await signInAs(pageB1, 'bob');
    await signInAs(pageB2, 'bob');
    await pageB2.getByLabel('Account').getByText('bob').waitFor();
    expect(await meOf(pageB1)).toBe('bob');
    expect(await meOf(pageB2)).toBe('bob');
    expect(await meOf(pageA)).toBe('alice');
    expect(await cookieOf(browserB1)).not.toBe(await cookieOf(browserB2));
  });

  it('a write with the session cookie from another origin, or with no Origin, is refused; from its own origin it works', async () => {
    const cookie = (await cookieOf(browserB1))!;
    const body = JSON.stringify({ name: 'csrf-probe', repoUrl: env.repo, defaultBranch: 'main' });
    const post = (headers: Record<string, string>) => withCookie('/api/projects', cookie, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    expect((await post({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect((await withCookie('/api/projects', cookie)).status).toBe(200); // reads need no Origin
    expect((await post({ origin: env.stack.url })).status).toBe(201);
  });

  it("A's sign-out revokes A's session on the server: the old cookie, replayed, gets 401", async () => {
    const cookie = (await cookieOf(env.browser))!;
    await pageA.getByLabel('Account').getByRole('button', { name: 'Sign out', exact: true }).click();
    await pageA.getByRole('link', { name: 'Sign in with Keycloak' }).waitFor();
    expect(await cookieOf(env.browser)).toBeUndefined();
    expect((await withCookie('/api/projects', cookie)).status).toBe(401);
    expect((await withCookie('/api/me', cookie)).status).toBe(401);
    expect(await meOf(pageB1)).toBe('bob'); // B is still signed in
  });

  it("B's \"Sign out everywhere\" ends B's sessions in both browsers", async () => {
    const other = (await cookieOf(browserB2))!;
    await pageB1.getByLabel('Account').getByRole('button', { name: 'Sign out everywhere' }).click();
    await pageB1.getByRole('link', { name: 'Sign in with Keycloak' }).waitFor();
    expect((await withCookie('/api/projects', other)).status).toBe(401);
    expect(await projectsStatus(pageB2)).toBe(401);
    await pageB2.reload();
    await pageB2.getByRole('link', { name: 'Sign in with Keycloak' }).waitFor();
  });

  it('with an email domain allowlist and approval: outsiders are told "Not allowed"; a new user waits until the admin approves', async () => {
    await env.stack.startControlPlane({ AUTH_ALLOWED_EMAIL_DOMAINS: 'example.com', AUTH_REQUIRE_APPROVAL: 'true' });

    await signInAs(pageA, 'mallory');
    const refused = pageA.getByRole('alert').filter({ hasText: 'Not allowed' });
    await refused.waitFor();
    await refused.getByText('not in a domain this Flotilla lets in').waitFor();
    await screenshot(pageA, 'sign-in-not-allowed');
    expect(await meOf(pageA)).toBe(401);

    await signInAs(pageB1, 'carol');
    await pageB1.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
    expect(await projectsStatus(pageB1)).toBe(403);
    await screenshots(pageB1, 'waiting-for-approval');

    await signInAs(pageA, 'alice'); // the first user: an admin
    await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await pageA.getByRole('button', { name: 'Approve carol' }).click();
    await pageA.getByRole('button', { name: 'Approve carol' }).waitFor({ state: 'detached' });

    // The waiting page asks again by itself and opens Flotilla.
    await pageB1.getByRole('heading', { name: 'Projects' }).waitFor();
    await pageB1.getByLabel('Account').getByText('carol').waitFor();
    expect(await projectsStatus(pageB1)).toBe(200);
    // carol is no admin: the users API refuses her.
    expect(await pageB1.evaluate(() => fetch('/api/users').then((r) => r.status))).toBe(403);
  });
});
