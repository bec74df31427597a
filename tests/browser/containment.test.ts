/**
 * Browser: what issue 12 shows the user. The settings page edits the project's egress allowlist
 * (a bad host is named at the field and nothing is saved; good ones are saved, normalised, and
 * shown again after a reload). The nodes page says when a node's agents are not sandboxed: this
 * stack's node daemons cannot make a sandbox (FLOTILLA_BWRAP names no program) and run agents
 * unconfined by the operator's choice (FLOTILLA_UNSAFE_NO_SANDBOX=1), so their node is
 * "unsandboxed"; a node that can make none and was not opted out ("no sandbox — agents refused")
 * is the same node's answer with its `sandbox` rewritten in the browser, since such a node runs
 * no task. Screenshots at 1440 and 375 px wide.
 */
import type { NodeInfo } from '@flotilla/contracts';
import { waitForTask, waitUntil } from '@flotilla/testkit/stack';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;

/** A node as the API shows it. */
async function nodeInfo(nodeId: string): Promise<NodeInfo> {
  return (await (await fetch(`${env.stack.url}/api/nodes/${nodeId}`)).json()) as NodeInfo;
}

/** Both widths the screenshots are taken at, a desktop and a phone, with `show` in view. */
async function screenshots(name: string, show?: Locator): Promise<void> {
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    if (show) await show.scrollIntoViewIfNeeded();
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

beforeAll(async () => {
  env = await bootBrowserStack({ FLOTILLA_BWRAP: '/nonexistent/bwrap', FLOTILLA_UNSAFE_NO_SANDBOX: '1' }, { NODE_WARM_TIMEOUT_MS: '3600000' });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
});

describe('containment in the web app', () => {
  it('edits the project’s egress allowlist: a bad host is named at the field and not saved; good ones are', async () => {
    const project = await createTestProject(env.stack, env.repo, 'egress-settings');
    await page.goto(`${env.stack.url}/projects/${project.id}/settings`);
    const form = page.getByRole('form', { name: 'Network access' });
    const field = form.getByLabel('Extra hosts agents may reach (one per line)');
    expect(await field.inputValue()).toBe('');

    await field.fill('docs.example.com\nhttps://evil.example/path');
    await form.getByRole('button', { name: 'Save allowlist' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Line 2');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'));
    expect((await env.stack.client.getProject(project.id)).egressAllowlist).toEqual([]);
    await screenshots('settings-egress-error', alert);

    await field.fill('Docs.Example.com\n\n*.internal.example.com\ndocs.example.com');
    await form.getByRole('button', { name: 'Save allowlist' }).click();
    await form.getByRole('status').getByText('Allowlist saved.').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('false');
    expect((await env.stack.client.getProject(project.id)).egressAllowlist).toEqual(['docs.example.com', '*.internal.example.com']);

    await page.reload();
    await form.waitFor();
    expect(await field.inputValue()).toBe('docs.example.com\n*.internal.example.com');
    await screenshots('settings-egress', form);
  });

  it('shows a node whose agents run unconfined as unsandboxed, and one that can make no sandbox as refusing agents', async () => {
    const project = await createTestProject(env.stack, env.repo, 'unsandboxed');
    const created = await env.stack.client.createTask(project.id, { description: 'say: on an unsandboxed node', run: true });
    const task = await waitForTask(env.stack.client, created.id, 120_000);
    expect(task.status).toBe('completed');
    const nodeId = task.nodeId ?? '';
    await waitUntil('the node is warm', async () => (await nodeInfo(nodeId)).status === 'warm');
    expect((await nodeInfo(nodeId)).sandbox).toBe('none');

    await page.goto(`${env.stack.url}/nodes`);
    const card = page.locator(`li.node-card[data-node-id="${nodeId}"]`);
    await card.waitFor();
    const badge = card.getByTestId('node-sandbox');
    expect(await badge.textContent()).toBe('unsandboxed');
    expect(await badge.getAttribute('title')).toContain('FLOTILLA_UNSAFE_NO_SANDBOX');
    await screenshots('nodes-unsandboxed');

    // The same answer, as a node that can make no sandbox and was not opted out would give it.
    await page.route('**/api/nodes', async (route) => {
      const response = await route.fetch();
      const { nodes } = (await response.json()) as { nodes: NodeInfo[] };
      await route.fulfill({ response, json: { nodes: nodes.map((node) => ({ ...node, sandbox: 'unavailable' })) } });
    });
    await page.reload();
    await card.waitFor();
    expect(await card.getByTestId('node-sandbox').textContent()).toBe('no sandbox — agents refused');
    await screenshots('nodes-no-sandbox');
    await page.unroute('**/api/nodes');
  });
});
