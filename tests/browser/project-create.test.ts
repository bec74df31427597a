/**
 * Browser (issue 17, item 3): the project's repository is checked when the project is created or
 * its default branch changed, and the refusal is shown in plain words under the field it is
 * about, with what was typed kept; while the check runs the button says "Checking repository…".
 * Screenshots project-create-unreachable-{1440,375}.
 */
import type { Page } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
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
});
