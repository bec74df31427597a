/**
 * Browser (issue 17 item 1): the result card where a session's task ended, and the result line
 * of board cards. A task whose agent changes files with shell commands (sed, printf: no edit
 * tool) shows each changed file with +/− as git counts them on the pushed branch, the binary one
 * as binary, Copy branch (read back from the clipboard) and the compare command; a task that
 * changed nothing says so plainly; a failed task says why in one sentence, with Details and a
 * Retry that runs it again. Screenshots at 1440 and 375 px, and the completed card in dark mode.
 */
import { execFileSync } from 'node:child_process';
import { waitForTask } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
let projectId = '';
const ids = { changed: '', unchanged: '', failed: '' };

beforeAll(async () => {
  env = await bootBrowserStack();
  await env.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.stack.url });
  page = await env.browser.newPage();
  projectId = (await createTestProject(env.stack, env.repo, 'results')).id;
  const client = env.stack.client;
  // One after the other: a warm node takes the next one.
  const run = async (title: string, description: string) => {
    const task = await client.createTask(projectId, { title, description, run: true });
    await waitForTask(client, task.id, 150_000);
    return task.id;
  };
  ids.changed = await run(
    'Edit with shell commands',
    [
      "run: sed -i 's/# browser test/# Browser test, edited by sed/' README.md",
      "run: printf 'one\\ntwo\\nthree\\n' > notes.txt",
      "run: printf '\\211PNG\\000\\001\\002' > logo.png",
      'say: Edited the readme and added two files.',
    ].join('\n'),
  );
  ids.unchanged = await run('Only look around', 'say: Nothing needs to change.');
  ids.failed = await run('Fails on purpose', 'fail: the model refused the request');
}, 480_000);

afterAll(async () => {
  await env?.close();
});

const card = () => page.locator('.session-header [data-testid="result-card"]');

/** Open the chat session of task `taskId`, with the page `width` px wide. */
async function openSession(taskId: string, width: number): Promise<void> {
  const task = await env.stack.client.getTask(taskId);
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${env.stack.url}/projects/${projectId}/chat/${task.chatSessionId}`);
  await card().waitFor();
}

/** Per file `path → [additions, deletions]` ('-' for binary) of the pushed branch against main, as git counts it. */
function branchNumstat(branch: string): Map<string, [string, string]> {
  const out = execFileSync('git', ['diff', '--numstat', `main...${branch}`], { cwd: env.repo, encoding: 'utf8' });
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .map(([added = '', deleted = '', path = '']) => [path, [added, deleted]]),
  );
}

describe('the result card', () => {
  it('a completed task: its changes as git counts them on the branch, Copy branch, the compare command', async () => {
    const task = await env.stack.client.getTask(ids.changed);
    expect(task.status).toBe('completed');
    const branch = task.output.branch ?? '';
    expect(branch).toBe(`task/${task.id}`);
    const numstat = branchNumstat(branch);
    expect([...numstat.keys()].sort()).toEqual(['README.md', 'logo.png', 'notes.txt']);

    await openSession(ids.changed, 1440);
    const additions = [...numstat.values()].reduce((sum, [added]) => sum + (added === '-' ? 0 : Number(added)), 0);
    const deletions = [...numstat.values()].reduce((sum, [, deleted]) => sum + (deleted === '-' ? 0 : Number(deleted)), 0);
    expect(await card().locator('.result-outcome').textContent()).toBe(`Changed 3 files (+${additions} −${deletions}) on ${branch}.`);
    const rows = card().getByRole('list', { name: 'Changed files' }).locator('li');
    expect(await rows.count()).toBe(3);
    for (const [path, [added, deleted]] of numstat) {
      const row = rows.filter({ hasText: path });
      expect(await row.locator('.file-lines').textContent()).toBe(added === '-' ? 'binary' : `+${added} −${deleted}`);
    }
    expect(await rows.filter({ hasText: 'README.md' }).locator('.file-status').textContent()).toBe('Mmodified');
    expect(await rows.filter({ hasText: 'notes.txt' }).locator('.file-status').textContent()).toBe('Aadded');
    expect(await card().locator('.compare-command').textContent()).toBe(`git fetch origin ${branch} && git diff main...origin/${branch}`);

    await screenshot(page, 'result-card-completed-1440');

    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'result-card-completed-1440-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await card().getByRole('button', { name: /Copy compare command/ }).click();
    await card().getByRole('status').filter({ hasText: 'Copied the compare command to the clipboard.' }).waitFor({ state: 'attached' });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`git fetch origin ${branch} && git diff main...origin/${branch}`);
    await card().getByRole('button', { name: /Copy branch/ }).click();
    // The button's announced state (a status line for screen readers), and the clipboard itself.
    await card().getByRole('status').filter({ hasText: 'Copied the branch name to the clipboard.' }).waitFor({ state: 'attached' });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(branch);

    await openSession(ids.changed, 375);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'result-card-completed-375');
  });

  it('a task that changed nothing says so plainly', async () => {
    const task = await env.stack.client.getTask(ids.unchanged);
    expect(task).toMatchObject({ status: 'completed', output: { branch: null, diffStat: { fileCount: 0, files: [] } } });
    await openSession(ids.unchanged, 1440);
    expect(await card().locator('.result-outcome').textContent()).toBe('The agent made no changes.');
    expect(await card().getByRole('list', { name: 'Changed files' }).count()).toBe(0);
    await screenshot(page, 'result-card-no-changes-1440');
    await openSession(ids.unchanged, 375);
    await screenshot(page, 'result-card-no-changes-375');
  });

  it('a failed task: the reason in one sentence, what to do, the raw error under Details, and Retry runs it again', async () => {
    const before = await env.stack.client.getTask(ids.failed);
    expect(before.status).toBe('failed');
    await openSession(ids.failed, 375);
    expect(await card().locator('.result-outcome').textContent()).toBe('The agent reported an error and stopped.');
    await screenshot(page, 'result-card-failed-375');
    await openSession(ids.failed, 1440);
    const details = card().locator('details.result-details');
    expect(await details.locator('pre').isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await details.locator('pre').textContent()).toContain('the model refused the request');
    await screenshot(page, 'result-card-failed-1440');

    await card().getByRole('button', { name: 'Retry' }).click();
    // Retried: the task went back to ready and ran again (the same script fails again).
    await expect
      .poll(async () => (await env.stack.client.getTask(ids.failed)).events.filter((event) => event.fromStatus === 'failed' && event.toStatus === 'ready').length, { timeout: 60_000 })
      .toBe(1);
    const again = await waitForTask(env.stack.client, ids.failed, 150_000);
    expect(again.status).toBe('failed');
    await card().locator('.result-outcome', { hasText: 'The agent reported an error and stopped.' }).waitFor();
  });

  it('a cancelled task says so, with Retry', async () => {
    const dropped = await env.stack.client.createTask(projectId, { title: 'Dropped draft', description: 'say: never runs' });
    await env.stack.client.cancelTask(projectId, dropped.id);
    await openSession(dropped.id, 1440);
    expect(await card().locator('.result-outcome').textContent()).toBe('The task was cancelled.');
    await card().getByRole('button', { name: 'Retry' }).waitFor();
  });
});

describe('board cards', () => {
  it('show the change in a few words, "no changes", and a failed card its reason with Retry', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${env.stack.url}/projects/${projectId}/board`);
    const boardCard = (taskId: string) => page.locator(`article.kanban-card[data-task-id="${taskId}"]`);
    const changed = await env.stack.client.getTask(ids.changed);
    const stat = changed.output.diffStat;
    await boardCard(ids.changed).getByTestId('card-diff').filter({ hasText: `3 files +${stat?.additions ?? 0} −${stat?.deletions ?? 0}` }).waitFor();
    expect(await boardCard(ids.unchanged).getByTestId('card-diff').textContent()).toBe('no changes');
    const failed = boardCard(ids.failed);
    await failed.getByText('The agent reported an error and stopped.').waitFor();
    await failed.getByRole('button', { name: 'Retry Fails on purpose' }).waitFor();
    await screenshot(page, 'result-card-board-1440');
  });
});
