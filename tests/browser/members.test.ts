/**
 * Browser (issue 14, item 2): project members and roles in the web app, two users signing in with
 * GitHub (the testkit's fake GitHub OAuth app: invites name GitHub logins) in separate browsers.
 * A (alice, the first user) creates a project and runs a task on the scripted agent; B (bob) signs
 * in and sees no such project. A invites B as a viewer in the Members section: B reads the chat —
 * A's message under A's name — with no composer and no "New task", and the settings without their
 * write controls or the audit log. A makes B a member: B runs a task from the chat, shown under
 * B's name, and still sees the settings without their write controls. A removes B: B's open page
 * says "Project not found", and B's project list is empty again. Screenshots of the Members
 * section (1440 and 375 px, light and dark) and of the viewer's chat (1440, 375).
 */
import { startFakeGitHub, type FakeGitHub } from '@flotilla/testkit/fake-github';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, screenshotSection, type Browser } from './browser.js';
import { bootBrowserStack, type BrowserStack } from './stack.js';

let github: FakeGitHub;
let env: BrowserStack;
let pageA: Page;
let browserB: Browser;
let pageB: Page;
let projectId = '';

beforeAll(async () => {
  const client = { clientId: 'Iv1.members-test', clientSecret: 'members-test-secret' };
  github = await startFakeGitHub({
    oauth: {
      ...client,
      users: [
        { id: 201, login: 'alice', name: 'Alice Admin', email: 'alice@example.com' },
        { id: 202, login: 'bob', name: 'Bob Builder', email: 'bob@example.com' },
      ],
    },
  });
  env = await bootBrowserStack({}, { AUTH_GITHUB_CLIENT_ID: client.clientId, AUTH_GITHUB_CLIENT_SECRET: client.clientSecret, AUTH_GITHUB_URL: github.url, GITHUB_API_URL: github.url });
  pageA = await env.browser.newPage();
  browserB = await launchBrowser();
  pageB = await browserB.newPage();
});

afterAll(async () => {
  await browserB?.close();
  await env?.close();
  await github?.close();
});

/** Sign in on `page` with the fake GitHub as `login`, from the sign-in page. */
async function signInAs(page: Page, login: string): Promise<void> {
  await page.goto(env.stack.url);
  await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
  await page.getByRole('button', { name: `Sign in as ${login}` }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
}

/** `fetch` from `page` (its session cookie, its origin): the status and the JSON answer. */
const apiFrom = (page: Page, path: string, init: { method?: string; body?: unknown } = {}) =>
  page.evaluate(
    async ({ path, method, body }) => {
      const response = await fetch(path, { method: method ?? 'GET', headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, json: response.status === 204 ? null : ((await response.json()) as unknown) };
    },
    { path, method: init.method, body: init.body },
  );

const messages = (page: Page) => page.getByRole('log', { name: 'Messages' });
/** The user messages whose author is `login`. */
const userMessagesBy = (page: Page, login: string) => messages(page).locator('article.message.user', { has: page.getByTestId('message-author').filter({ hasText: login }) });
const membersSection = (page: Page) => page.getByRole('region', { name: 'Members' });

/** No element wider than the page at its current width. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describe('project members and roles in the web app', () => {
  it('A creates a project and runs a task; the chat shows A as the author of the prompt', async () => {
    await signInAs(pageA, 'alice');
    const created = await apiFrom(pageA, '/api/projects', { method: 'POST', body: { name: 'team-project', repoUrl: env.repo, defaultBranch: 'main' } });
    expect(created.status).toBe(201);
    projectId = (created.json as { id: string }).id;

    await pageA.goto(`${env.stack.url}/projects/${projectId}/chat`);
    await pageA.getByLabel('Describe a task').fill('say: hello from the agent');
    await pageA.getByLabel('Describe a task').press('Enter');
    await pageA.waitForURL(/\/chat\/ses_[^/]+$/);
    await userMessagesBy(pageA, 'alice').first().waitFor();
    await expect.poll(() => pageA.locator('.session-header .badge').getAttribute('data-status'), { timeout: 90_000 }).toBe('completed');
    await pageA.locator('.session-header').getByTestId('created-by').filter({ hasText: 'by alice' }).waitFor();
  });

  it('B signs in and sees nothing of it: an empty project list, "Project not found" at its address', async () => {
    await signInAs(pageB, 'bob');
    await pageB.getByText('No projects yet').waitFor();
    await pageB.goto(`${env.stack.url}/projects/${projectId}/chat`);
    await pageB.getByRole('heading', { name: 'Project not found' }).waitFor();
  });

  it('A invites B by login as a viewer, and someone who never signed in by email; the Members section lists them', async () => {
    await pageA.goto(`${env.stack.url}/projects/${projectId}/settings`);
    const section = membersSection(pageA);
    await section.getByTestId('member').filter({ hasText: 'alice' }).getByText('Owner').waitFor();

    await section.getByLabel('GitHub login or email').fill('bob');
    await section.getByLabel('Role', { exact: true }).selectOption('viewer');
    await section.getByRole('button', { name: 'Invite', exact: true }).click();
    await section.getByRole('status').filter({ hasText: 'Added bob as viewer.' }).waitFor();
    await section.getByRole('combobox', { name: 'Role of bob' }).waitFor();
    expect(await section.getByRole('combobox', { name: 'Role of bob' }).inputValue()).toBe('viewer');

    // The API's refusal shows as its message.
    await section.getByLabel('GitHub login or email').fill('bob');
    await section.getByRole('button', { name: 'Invite', exact: true }).click();
    await section.getByRole('alert').filter({ hasText: 'bob is already a member of this project' }).waitFor();

    await section.getByLabel('GitHub login or email').fill('dave@example.com');
    await section.getByLabel('Role', { exact: true }).selectOption('member');
    await section.getByRole('button', { name: 'Invite', exact: true }).click();
    await section.getByRole('status').filter({ hasText: 'Invited dave@example.com as member — they join when they first sign in.' }).waitFor();
    await section.getByRole('list', { name: 'Open invites' }).getByText('dave@example.com').waitFor();

    await section.getByRole('group', { name: 'Transfer ownership' }).waitFor();
    await screenshotSection(pageA, 'Members', 'members');
    for (const width of [1440, 375]) {
      await pageA.setViewportSize({ width, height: 900 });
      await expectNoSidewaysScroll(pageA);
    }
    await pageA.setViewportSize({ width: 1280, height: 800 });

    await section.getByRole('button', { name: 'Withdraw the invite of dave@example.com' }).click();
    await section.getByRole('list', { name: 'Open invites' }).waitFor({ state: 'detached' });
    // What is not a GitHub login or an email is refused before it is sent.
    await section.getByLabel('GitHub login or email').fill('not a login');
    await section.getByRole('button', { name: 'Invite', exact: true }).click();
    await section.getByRole('alert').filter({ hasText: 'That is not a GitHub login' }).waitFor();
  });

  it('B, a viewer, reads the chat (A’s message under A’s name) with no composer, no New task, no settings writes', async () => {
    await pageB.goto(env.stack.url);
    const link = pageB.getByRole('link', { name: /team-project/ });
    await link.getByText('Viewer').waitFor();
    await link.click();
    await pageB.waitForURL(/\/chat\/ses_[^/]+$/);
    await userMessagesBy(pageB, 'alice').first().waitFor();
    await pageB.getByText('You are a viewer of this project: you can read, not write.').waitFor();
    expect(await pageB.getByLabel('Describe a task').count()).toBe(0);
    expect(await pageB.getByRole('button', { name: 'New task' }).count()).toBe(0);
    expect(await pageB.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await pageB.getByText('New workspace').count()).toBe(0);
    // Nodes are the deployment's: a user who is not its administrator has no link to them.
    expect(await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Nodes' }).count()).toBe(0);
    expect(await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Nodes' }).count()).toBe(1);

    await pageB.setViewportSize({ width: 1440, height: 900 });
    await screenshot(pageB, 'members-viewer-chat-1440');
    await pageB.setViewportSize({ width: 375, height: 740 });
    await expectNoSidewaysScroll(pageB);
    await screenshot(pageB, 'members-viewer-chat-375');
    await pageB.setViewportSize({ width: 1280, height: 800 });

    await pageB.getByRole('link', { name: 'Board' }).click();
    await pageB.locator('.kanban-card', { hasText: 'hello from the agent' }).getByTestId('created-by').filter({ hasText: 'by alice' }).waitFor();

    await pageB.getByRole('link', { name: 'Settings' }).click();
    await membersSection(pageB).getByTestId('member').filter({ hasText: 'bob' }).getByText('Viewer').waitFor();
    await pageB.getByText('only its admins and owner change its settings').waitFor();
    expect(await pageB.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await pageB.getByRole('heading', { name: 'Audit log' }).count()).toBe(0);
    expect(await membersSection(pageB).getByLabel('GitHub login or email').count()).toBe(0);
    expect(await membersSection(pageB).getByRole('button', { name: /Remove/ }).count()).toBe(0);
    // The server refuses a viewer's write anyway.
    expect((await apiFrom(pageB, `/api/projects/${projectId}/tasks`, { method: 'POST', body: { description: 'say: sneaky', run: true } })).status).toBe(403);
  });

  it('A makes B a member: B runs a task from the chat, shown under B’s name', async () => {
    await membersSection(pageA).getByRole('combobox', { name: 'Role of bob' }).selectOption('member');
    await expect.poll(async () => ((await apiFrom(pageA, `/api/projects/${projectId}/members`)).json as { members: { login: string; role: string }[] }).members.find((m) => m.login === 'bob')?.role).toBe('member');

    await pageB.goto(`${env.stack.url}/projects/${projectId}/chat`);
    const box = pageB.getByLabel('Describe a task');
    await box.fill('say: hello from bob');
    await box.press('Enter');
    await pageB.waitForURL(/\/chat\/ses_[^/]+$/);
    await userMessagesBy(pageB, 'bob').filter({ hasText: 'say: hello from bob' }).waitFor();
    await pageB.locator('.session-header').getByTestId('created-by').filter({ hasText: 'by bob' }).waitFor();
    expect(await pageB.getByText('You are a viewer of this project').count()).toBe(0);
    // A member writes in the chat, but changes no settings and reads no audit log.
    await pageB.getByRole('link', { name: 'Settings' }).click();
    await pageB.getByText('You are a member of this project: only its admins and owner change its settings.').waitFor();
    expect(await pageB.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await pageB.getByRole('heading', { name: 'Audit log' }).count()).toBe(0);
    expect(await membersSection(pageB).getByRole('combobox').count()).toBe(0);
    // Whose credentials tasks use (issue 14 item 3): a member reads it, and keeps keys of their own.
    const credentials = pageB.getByRole('group', { name: 'Whose credentials tasks use' });
    await credentials.getByText('Only the owner and admins change this.').waitFor();
    expect(await credentials.getByRole('radio', { name: /The owner's \(alice\)/ }).isChecked()).toBe(true);
    await pageB.getByRole('heading', { name: 'Agent keys' }).waitFor();
    await screenshotSection(pageB, 'Whose credentials tasks use', 'credentials-from');
    // A sees it under B's name too.
    await pageA.goto(`${env.stack.url}/projects/${projectId}/board`);
    await pageA.locator('.kanban-card', { hasText: 'hello from bob' }).getByTestId('created-by').filter({ hasText: 'by bob' }).waitFor();
  });

  it('A removes B: B’s open page loses the project, and B’s project list is empty again', async () => {
    await pageA.goto(`${env.stack.url}/projects/${projectId}/settings`);
    const section = membersSection(pageA);
    await section.getByRole('button', { name: 'Remove bob' }).click();
    await section.getByRole('button', { name: 'Yes, remove' }).click();
    await section.getByTestId('member').filter({ hasText: 'bob' }).waitFor({ state: 'detached' });

    // B's open chat finds out by itself (its sessions answer 404) and says so.
    await expect.poll(() => pageB.getByRole('heading', { name: 'Project not found' }).isVisible(), { timeout: 60_000 }).toBe(true);
    await pageB.getByRole('link', { name: 'Back to projects' }).click();
    await pageB.getByText('No projects yet').waitFor();
    await pageB.goto(`${env.stack.url}/projects/${projectId}/board`);
    await pageB.getByRole('heading', { name: 'Project not found' }).waitFor();
  });
});
