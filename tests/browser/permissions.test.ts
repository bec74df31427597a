/**
 * Browser: a workspace created by hand from the project page, with permission requests shown on
 * the workspace page (issue 5 item 6). "New workspace" → "Ask me first" → the workspace page
 * shows its set-up steps, then takes the first prompt (which starts the scripted agent); a
 * `write` makes the agent ask permission; the page shows the request (title, kind, target) with
 * one button per option; allowing it lets the tool call complete and the file appear in the
 * workspace on the node. After a reload no request is open; "Delete workspace" removes it.
 */
import { ManualWorkspace } from '@flotilla/contracts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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

describe('a workspace created from the project page, asking before tools', () => {
  it('sets up, starts the agent with the first prompt, shows its permission request; allowing it lets the write happen; delete removes it', async () => {
    const project = await createTestProject(env.stack, env.repo, 'asking');
    await page.goto(`${env.stack.url}/projects/${project.id}/chat`);
    await page.getByText('New workspace', { exact: true }).click();
    const form = page.getByRole('form', { name: 'New workspace' });
    expect(await form.getByLabel('Ask me first').isChecked()).toBe(true);
    await screenshot(page, 'new-workspace');
    await form.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(/\/workspaces\/ws_[^/]+$/);
    const workspaceId = page.url().split('/').at(-1) ?? '';
    const workspace = ManualWorkspace.parse(await (await fetch(`${env.stack.url}/api/projects/${project.id}/workspaces/${workspaceId}`)).json());
    expect(workspace.permissionPolicy).toBe('ask');
    await page.getByText('asks before tools').waitFor();

    // Set up (node, checkout, agent session), then the first prompt starts the agent.
    await page.getByText('the agent starts with your first prompt').waitFor({ timeout: 60_000 });
    await page.getByLabel('Prompt for the agent').fill('say: ready for a write');
    await page.getByRole('button', { name: 'Send' }).click();
    const stream = page.getByRole('log', { name: 'Agent stream' });
    await stream.locator('.message.assistant', { hasText: 'ready for a write' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Follow-up to the agent').fill('write asked.txt: allowed by a person');
    await page.getByRole('button', { name: 'Send' }).click();

    const requests = page.getByRole('region', { name: 'Permission requests' });
    const request = requests.getByRole('article', { name: /asks permission: Write asked\.txt/ });
    await request.waitFor({ timeout: 60_000 });
    expect(await request.textContent()).toMatch(/Kind: edit/);
    expect(await request.textContent()).toMatch(/Target: \S*asked\.txt/);
    const answers = request.getByRole('group', { name: 'Answer: Write asked.txt' });
    expect(await answers.getByRole('button').allTextContents()).toEqual(['Allow', 'Reject']);
    const nodeId = ManualWorkspace.parse(await (await fetch(`${env.stack.url}/api/projects/${project.id}/workspaces/${workspaceId}`)).json()).nodeId ?? '';
    const dir = env.stack.workspaceDir(nodeId, workspaceId);
    expect(existsSync(join(dir, 'asked.txt'))).toBe(false);
    await screenshot(page, 'permission');

    await answers.getByRole('button', { name: 'Allow' }).click();
    await stream.locator('.message.tool', { hasText: 'Write asked.txt' }).locator('.tool-status.completed').waitFor({ timeout: 30_000 });
    await requests.getByRole('status').getByText('Answered: Allow.').waitFor();
    expect(await requests.getByRole('button').count()).toBe(0);
    expect(readFileSync(join(dir, 'asked.txt'), 'utf8')).toBe('allowed by a person');

    // After a reload the answered request is not shown as open.
    await page.reload();
    await stream.locator('.message.tool', { hasText: 'Write asked.txt' }).waitFor();
    expect(await page.getByRole('region', { name: 'Permission requests' }).count()).toBe(0);

    // Delete: the agent stopped, the workspace gone; its conversation stays in the chat.
    await page.getByRole('button', { name: 'Delete workspace' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click(); // ConfirmButton asks first
    await page.getByText('This workspace was deleted.').waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Back to the chat' }).click();
    await page.getByRole('log', { name: 'Messages' }).locator('article.message.user', { hasText: 'write asked.txt' }).waitFor({ timeout: 30_000 });
  });
});
