/**
 * Browser (issue 17, item 3): the project's repository is checked when the project is created or
 * its default branch changed, and the refusal is shown in plain words under the field it is
 * about, with what was typed kept; while the check runs the button says "Checking repository…".
 * A private repository (a fake git host behind Basic auth) refused for want of a token offers
 * the form to store one, after which the project is created.
 * Screenshots project-create-unreachable-{1440,375}, project-create-token-1440.
 */
import { startFakeGitHost, type FakeGitHost } from '@flotilla/testkit/fake-git-host';
import type { Page } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

const TOKEN = 'ghp_browser_repository_token_5e6f7a';
let env: BrowserStack;
let page: Page;
let gitHost: FakeGitHost;

beforeAll(async () => {
  gitHost = await startFakeGitHost({ username: 'x-access-token', token: TOKEN });
  env = await bootBrowserStack({}, { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
  await gitHost?.close();
});

const MISSING = join(tmpdir(), 'flotilla-no-such-repository');

describe('creating a project', () => {
  it('shows a repository that does not exist under the repository field, keeping what was typed', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(env.stack.url);
    const form = page.getByRole('form', { name: 'New project' });
    await form.getByLabel('Name').fill('unreachable');
    await form.getByLabel('Repository (path or git URL)').fill(MISSING);

    // Hold the request until the button has said what it is doing.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/projects', async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await form.getByRole('button', { name: 'Create project' }).click();
    await form.getByRole('button', { name: 'Checking repository…' }).waitFor();
    release();

    const repository = form.getByLabel('Repository (path or git URL)');
    const refusal = form.locator('#create-project-repo-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(`The repository ${MISSING} does not exist`);
    expect(await repository.inputValue()).toBe(MISSING);
    expect(await repository.getAttribute('aria-invalid')).toBe('true');
    expect(await repository.getAttribute('aria-describedby')).toBe('create-project-repo-error');
    expect(await form.getByRole('button', { name: 'Create project' }).isEnabled()).toBe(true);
    expect(await env.stack.client.listProjects()).toEqual([]);
    await screenshot(page, 'project-create-unreachable-1440');

    await page.setViewportSize({ width: 375, height: 740 });
    await refusal.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'project-create-unreachable-375');
    await page.unroute('**/api/projects');
  });

  it('shows a default branch the repository lacks under the branch field of the settings', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const project = await createTestProject(env.stack, env.repo, 'branch-check');
    await page.goto(`${env.stack.url}/projects/${project.id}/settings`);
    const settings = page.getByRole('form', { name: 'Project settings' });
    await settings.getByLabel('Default branch').fill('nope');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    const refusal = settings.locator('#settings-branch-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(`Branch \`nope\` not found in ${env.repo} (branches: main)`);
    expect(await settings.getByLabel('Default branch').inputValue()).toBe('nope');
    expect((await env.stack.client.getProject(project.id)).defaultBranch).toBe('main');
  });

  it('offers to store a repository token when the git server refuses access, then creates the project', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const repoUrl = gitHost.createRepository('private', { 'README.md': '# private\n' });
    await page.goto(env.stack.url);
    const form = page.getByRole('form', { name: 'New project' });
    await form.getByLabel('Name').fill('private');
    await form.getByLabel('Repository (path or git URL)').fill(repoUrl);
    await form.getByRole('button', { name: 'Create project' }).click();
    const refusal = form.locator('#create-project-repo-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(`${gitHost.host} answered 401: ${repoUrl} is private or does not exist; save a repository token for ${gitHost.host} and try again`);

    const tokenForm = page.getByRole('form', { name: `Repository token for ${gitHost.host}` });
    await tokenForm.waitFor();
    await screenshot(page, 'project-create-token-1440');
    await tokenForm.getByLabel('Token').fill(TOKEN);
    await tokenForm.getByRole('button', { name: 'Store token' }).click();
    await tokenForm.getByText('Stored:').waitFor();
    await form.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/prj_[^/]+\/chat$/);
    expect((await env.stack.client.listProjects()).map((p) => p.repoUrl)).toContain(repoUrl);
  });
});
