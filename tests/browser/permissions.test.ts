/**
 * Browser: permission requests on the workspace page (issue 5 item 6). A workspace created by hand
 * with permission policy `ask` (through the API) runs the scripted agent; a `write` sent from the
 * page's follow-up input makes the agent ask permission; the page shows the request (title, kind,
 * target) with one button per option; allowing it lets the tool call complete and the file appear
 * in the workspace on the node, and the request then shows its outcome.
 */
import { CreateManualWorkspaceResponse } from '@flotilla/contracts';
import { waitForWorkspaceRunning } from '@flotilla/testkit/stack';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createScriptedProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;

beforeAll(async () => {
  env = await bootBrowserStack();
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
});

/** A JSON call to the public API, checking the status. */
async function call(method: string, path: string, status: number, body?: unknown): Promise<unknown> {
  const response = await fetch(`${env.stack.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

describe('permission requests on the workspace page', () => {
  it('shows the request of a workspace with policy ask; allowing it lets the write happen', async () => {
    const project = await createScriptedProject(env.stack, env.repo, 'asking');
    const created = CreateManualWorkspaceResponse.parse(await call('POST', `/api/projects/${project.id}/workspaces`, 202, { permissionPolicy: 'ask' }));
    const workspace = await waitForWorkspaceRunning(env.stack.client, project.id, created.workspaceId);
    expect(workspace.permissionPolicy).toBe('ask');

    // The first prompt (through the API) starts the agent; the page then talks to it directly.
    await call('POST', `/api/projects/${project.id}/sessions/${created.chatSessionId}/prompt`, 202, { text: 'say: ready for a write' });
    await page.goto(`${env.stack.url}/projects/${project.id}/workspaces/${created.workspaceId}`);
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
    const dir = env.stack.workspaceDir(workspace.nodeId ?? '', created.workspaceId);
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
  });
});
