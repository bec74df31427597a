/**
 * Browser (issue 13 item 5): the chat shows the work as it happens. A task's tool calls show
 * their output under the command (monospace; a long one collapsed until opened), their exit
 * status, and a failed call marked; the answer appears while it is written (a draft, held by the
 * scripted agent's `await:` until the test has seen it) and is replaced in place by the final
 * text. Screenshots at 1440 and 375 px.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
/** Where the test puts the file the agent awaits (visible inside the agent's sandbox). */
const signalDir = mkdtempSync(join(tmpdir(), 'flotilla-signal-'));

beforeAll(async () => {
  env = await bootBrowserStack({ FLOTILLA_SANDBOX_WRITE: signalDir });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
  rmSync(signalDir, { recursive: true, force: true });
});

const messages = () => page.getByRole('log', { name: 'Messages' });

describe('tool output and streaming answers in the chat', () => {
  it('shows each tool call with its output and exit status, and the answer as it is written', async () => {
    const project = await createTestProject(env.stack, env.repo, 'live-work');
    const go = join(signalDir, 'go');
    const description = [
      'run: for i in $(seq 1 30); do echo "line $i of the build log"; done',
      "run: echo 'running tests'; echo 'FAIL src/parser.test.ts' >&2; exit 3",
      'say: The build works but **one test fails**:',
      'say:  the parser test.',
      `await: ${go}`,
      'say:  I will fix it next.',
    ].join('\n');
    const task = await env.stack.client.createTask(project.id, { description, run: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${env.stack.url}/projects/${project.id}/chat/${task.chatSessionId}`);

    // Mid-turn: the answer so far, marked as being written.
    const draft = messages().locator('article.message.draft', { hasText: 'the parser test.' });
    await draft.waitFor({ timeout: 120_000 });
    expect(await draft.locator('.writing').textContent()).toBe('writing…');

    // The long output starts collapsed; the failed call shows its output open, its exit status and the failed mark.
    const build = messages().locator('.tool-card', { hasText: 'seq 1 30' });
    expect(await build.locator('.tool-exit').textContent()).toBe('exit 0');
    expect(await build.locator('details.tool-output').getAttribute('open')).toBeNull();
    expect(await build.locator('summary').textContent()).toContain('30 lines');
    const failing = messages().locator('.tool-card.failed', { hasText: 'running tests' });
    expect(await failing.locator('.tool-exit').textContent()).toBe('exit 3');
    expect(await failing.locator('.tool-status').textContent()).toBe('failed');
    expect(await failing.getByLabel('Tool output').textContent()).toContain('FAIL src/parser.test.ts');
    await screenshot(page, 'chat-tool-output-1440');

    writeFileSync(go, '');
    const final = messages().locator('article.message.assistant:not(.draft)', { hasText: 'I will fix it next.' });
    await final.waitFor({ timeout: 120_000 });
    expect(await messages().locator('article.message.draft').count()).toBe(0);
    expect(await messages().locator('article.message.assistant', { hasText: 'the parser test.' }).count()).toBe(1);
    await build.locator('summary').click();
    expect(await build.getByLabel('Tool output').textContent()).toContain('line 30 of the build log');
    await final.scrollIntoViewIfNeeded();
    await screenshot(page, 'chat-tool-output-final-1440');

    await page.setViewportSize({ width: 375, height: 800 });
    await failing.scrollIntoViewIfNeeded();
    await screenshot(page, 'chat-tool-output-375');
  });
});
