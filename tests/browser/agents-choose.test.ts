/**
 * Browser: choosing an agent (issue 13, items 2–3) against the real stack. The nodes run the
 * scripted agent for every agent type but Codex, whose real command is left in place with no
 * OpenAI key in their environment. After a first task, a node has announced its agents: the task
 * options' agent picker lists the six agents by label, Codex saying it needs OPENAI_API_KEY (and,
 * chosen, where to set it); the new-workspace and project-default pickers do too, and the nodes
 * page shows the node's announcement. The settings'
 * agent keys form stores an OpenCode key with base URL and model and shows them with the key
 * masked; a Codex key stored there makes Codex ready in the pickers. Screenshots at 1440 and
 * 375 px.
 */
import { randomBytes } from 'node:crypto';
import type { AgentInfo } from '@flotilla/contracts';
import { waitForTask, waitUntil } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
let projectId = '';

const LABELS = ['Claude Code', 'Codex — needs OPENAI_API_KEY', 'Gemini CLI', 'OpenCode', 'Qwen Code', 'Cline'];

beforeAll(async () => {
  env = await bootBrowserStack(
    { FLOTILLA_AGENT_COMMAND_CODEX: '', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', OPENAI_MODEL: '' },
    { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), NODE_WARM_TIMEOUT_MS: '3600000' },
  );
  page = await env.browser.newPage();
  projectId = (await createTestProject(env.stack, env.repo, 'agents-demo')).id;
  // A first task, so that a node announces which agents it can run.
  const created = await env.stack.client.createTask(projectId, { description: 'say: a node for the agents', run: true });
  expect((await waitForTask(env.stack.client, created.id, 120_000)).status).toBe('completed');
  await waitUntil('the node announcement', async () => (await env.stack.client.listAgents()).every((agent: AgentInfo) => agent.nodes !== null), 30_000);
});

afterAll(async () => {
  await env?.close();
});

/** Screenshots of the page now at 1440 and 375 px wide (then back to 1280). */
async function screenshots(name: string, scrollTo?: () => Promise<void>): Promise<void> {
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await scrollTo?.();
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

const optionTexts = (select: ReturnType<Page['getByLabel']>) => select.locator('option').allTextContents();

describe('agent picker', () => {
  it('lists the six agents by label, says what a not-ready one needs, and where to set it when chosen', async () => {
    await page.goto(`${env.stack.url}/projects/${projectId}`);
    const options = page.locator('details.advanced');
    await options.getByText('Advanced options').click();
    const picker = options.getByLabel('Agent');
    await expect.poll(() => optionTexts(picker)).toEqual(['Project default', ...LABELS]);
    await picker.selectOption('codex');
    const note = options.getByRole('note');
    await note.waitFor();
    expect(await note.textContent()).toBe('Codex needs OPENAI_API_KEY: set it in the environment of flotilla up, or store a key under Settings → Agent keys.');
    await screenshots('agent-picker', () => note.scrollIntoViewIfNeeded());
    await picker.selectOption('claude-code');
    await note.waitFor({ state: 'detached' });

    // The new-workspace form's picker is the same.
    await page.locator('details.new-workspace > summary').click();
    const workspacePicker = page.getByRole('form', { name: 'New workspace' }).getByLabel('Agent');
    expect(await optionTexts(workspacePicker)).toEqual(['Project default', ...LABELS]);

    // The nodes page shows what the node announced.
    await page.goto(`${env.stack.url}/nodes`);
    const announced = page.getByTestId('node-agents');
    await announced.waitFor();
    expect(await announced.textContent()).toBe('Claude Code, Codex (needs OPENAI_API_KEY), Gemini CLI, OpenCode, Qwen Code, Cline');
  });

  it("stores an OpenCode key with base URL and model (shown masked with them), and a Codex key makes Codex ready in the project's default-agent picker", async () => {
    await page.goto(`${env.stack.url}/projects/${projectId}/settings`);
    const settings = page.getByRole('form', { name: 'Project settings' });
    await expect.poll(() => optionTexts(settings.getByLabel('Default agent'))).toEqual(LABELS);

    const keys = page.getByRole('form', { name: 'Agent keys' });
    await keys.getByText('No agent keys stored.').waitFor();
    // Claude Code takes an API key or an OAuth token; no model.
    expect(await optionTexts(keys.getByLabel('Credential'))).toEqual(['API key', 'Subscription OAuth token (claude setup-token)']);
    expect(await keys.getByLabel('Model').count()).toBe(0);

    await keys.getByLabel('Agent').selectOption('opencode');
    expect(await keys.getByLabel('Credential').count()).toBe(0);
    const secret = `sk-compat-browser-${randomBytes(8).toString('hex')}`;
    await keys.getByRole('textbox', { name: 'API key' }).fill(secret);
    await keys.getByLabel('Base URL (optional)').fill('http://127.0.0.1:11434/v1');
    const model = keys.getByLabel('Model');
    expect(await model.getAttribute('required')).not.toBeNull();
    await model.fill('qwen3-coder');
    await keys.getByRole('button', { name: 'Store key' }).click();
    await keys.getByRole('status').getByText('Key stored.').waitFor();
    const stored = keys.getByRole('list', { name: 'Stored keys' }).getByRole('listitem');
    await expect.poll(async () => (await stored.allTextContents()).join('|')).toContain(`OpenCode: ••••${secret.slice(-4)} · model qwen3-coder · http://127.0.0.1:11434/v1`);
    expect(await page.content()).not.toContain(secret);
    await screenshots('settings-agent-keys', () => keys.scrollIntoViewIfNeeded());

    // Codex takes its model optionally; with a key stored it is ready everywhere.
    await keys.getByLabel('Agent').selectOption('codex');
    expect(await keys.getByLabel('Model (optional)').getAttribute('required')).toBeNull();
    await keys.getByRole('textbox', { name: 'API key' }).fill('sk-codex-browser-0123456789');
    await keys.getByRole('button', { name: 'Store key' }).click();
    await expect.poll(async () => (await stored.allTextContents()).join('|')).toContain('Codex: ••••6789');
    await expect.poll(() => optionTexts(settings.getByLabel('Default agent'))).toEqual(['Claude Code', 'Codex', 'Gemini CLI', 'OpenCode', 'Qwen Code', 'Cline']);
    const codex = (await env.stack.client.listAgents()).find((agent) => agent.agentType === 'codex');
    expect(codex).toMatchObject({ ready: true, credential: { masked: '••••6789' } });
  });
});
