/**
 * Browser (issue 16 item 1): reviewing a task. A task on the scripted agent edits a file, writes
 * two new ones and completes; from its result card ("Review changes") and from its board card
 * ("Review") its diff against main renders — files, hunks, syntax highlighting — in the split and the unified view
 * (screenshots at 1440 and 375 px, light and dark). Two line comments (one line; a range by
 * shift-click) are listed and sent as one review; the agent's next prompt holds both with file
 * and line (asserted at the agent, in the scripted agent's prompt log); one comment carries a
 * `write` line the scripted agent carries out, so the task completes again with a new commit,
 * and the diff then shows that commit.
 *
 * Sending needs resume (a follow-up to a completed task resumes its session in a new workspace);
 * without it the control plane answers 409, which the page shows plainly.
 */
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';
import { waitForTask } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();
let env: BrowserStack;
let page: Page;
let projectId = '';
let taskId = '';
let sessionId = '';
let firstCommit = '';

const GREET = "export function greet(name: string): string {\\n  return 'Hello ' + name;\\n}\\n";

beforeAll(async () => {
  env = await bootBrowserStack(promptLogNodeEnv);
  page = await env.browser.newPage();
  projectId = (await createTestProject(env.stack, env.repo, 'review')).id;
  const task = await env.stack.client.createTask(projectId, {
    title: 'Add a greeting',
    description: [
      'write README.md: # Browser test\\n\\nA repository for the review test.\\n',
      `write src/greet.ts: ${GREET}`,
      'write notes.md: # Notes\\n\\nThe greeting says hello.\\n',
      'say: Edited the readme, added a greeting and notes.',
    ].join('\n'),
    run: true,
  });
  const done = await waitForTask(env.stack.client, task.id, 150_000);
  expect(done.status).toBe('completed');
  taskId = task.id;
  sessionId = done.chatSessionId ?? '';
  firstCommit = done.output.commitSha ?? '';
}, 300_000);

afterAll(async () => {
  await env?.close();
});

const panel = () => page.getByRole('region', { name: 'Review', exact: true });
const file = (path: string) => panel().locator(`.review-file[data-path="${path}"]`);
const lineButton = (path: string, words: string) => panel().getByRole('button', { name: `Comment on ${words} of ${path}` });

/** Open the task's session at `width` px and its review from the result card. */
async function openReview(width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${env.stack.url}/projects/${projectId}/chat/${sessionId}`);
  await page.getByTestId('review-link').click();
  await file('src/greet.ts').locator('.diff').waitFor();
}

/** Choose the view (`Unified` or `Split`) and wait for it. */
async function showView(name: 'Unified' | 'Split'): Promise<void> {
  await panel().getByRole('group', { name: 'Diff view' }).getByRole('button', { name }).click();
  await panel().locator(name === 'Split' ? '.diff-split' : '.diff-unified').first().waitFor();
}

/** Screenshots of the page light and dark, as `<name>.png` and `<name>-dark.png`. */
async function lightAndDark(name: string): Promise<void> {
  await screenshot(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('reviewing a task', () => {
  it('shows the diff of a completed task, highlighted, in split and unified views', async () => {
    await openReview(1440);
    expect(page.url()).toContain(`/chat/${sessionId}?review`);
    expect(await panel().locator('.review-file').count()).toBe(3);
    // README.md changed a line: one removed, two added.
    expect(await file('README.md').locator('.diff-code-delete').filter({ hasText: '# browser test' }).count()).toBe(1);
    expect(await panel().getByTestId('review-commit').textContent()).toContain(firstCommit.slice(0, 12));
    // The new file's lines, highlighted as TypeScript.
    const greet = file('src/greet.ts');
    expect(await greet.locator('.diff-code-insert').count()).toBe(3);
    expect(await greet.locator('.token.keyword').filter({ hasText: 'function' }).count()).toBeGreaterThan(0);
    expect(await greet.locator('.token.string').filter({ hasText: "'Hello '" }).count()).toBe(1);

    await showView('Split');
    await lightAndDark('review-split-1440');
    await showView('Unified');
    await lightAndDark('review-unified-1440');

    await openReview(375);
    await showView('Unified');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await lightAndDark('review-unified-375');
    await showView('Split');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await lightAndDark('review-split-375');
  });

  it('is reachable from the board card', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${env.stack.url}/projects/${projectId}/board`);
    const link = page.getByRole('link', { name: 'Review the changes of Add a greeting' });
    await link.waitFor();
    await screenshot(page, 'review-board-1440');
    await link.click();
    await file('notes.md').locator('.diff').waitFor();
    expect(page.url()).toContain(`/chat/${sessionId}?review`);
  });

  it('sends two line comments as one review that reaches the agent with file and line; the diff then shows the new commit', async () => {
    await openReview(1440);
    await showView('Split');
    // One line of src/greet.ts.
    await lineButton('src/greet.ts', 'line 2').click();
    await panel().getByRole('textbox', { name: 'Your comment on line 2 of src/greet.ts' }).fill('Use a template string here.');
    await panel().getByRole('button', { name: 'Add comment' }).click();
    // Two lines of notes.md: click the first, shift-click the second. The comment's second line is
    // an instruction the scripted agent carries out, so the task gets a new commit.
    await lineButton('notes.md', 'line 1').click();
    await lineButton('notes.md', 'line 3').click({ modifiers: ['Shift'] });
    await panel().getByRole('textbox', { name: 'Your comment on lines 1–3 of notes.md' }).fill("Say who it greets.\nwrite notes.md: # Notes\\n\\nThe greeting says hello to a name.\\n");
    await panel().getByRole('button', { name: 'Add comment' }).click();

    const listed = panel().getByRole('region', { name: 'Review comments' }).getByRole('listitem');
    expect(await listed.count()).toBe(2);
    expect(await panel().getByTestId('inline-comment').count()).toBe(2);
    await panel().getByRole('button', { name: 'Send review' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'review-comments-1440');

    await panel().getByRole('button', { name: 'Send review' }).click();
    // Sent, or refused with the API's own words (409 while resume is missing): the assertion names which.
    const outcome = panel().getByRole('status').filter({ hasText: 'Review sent' }).or(panel().getByRole('alert'));
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe('Review sent: the agent got 2 comments.');

    const review = [
      'Review comments:',
      '',
      '`notes.md` lines 1–3: Say who it greets.',
      'write notes.md: # Notes\\n\\nThe greeting says hello to a name.\\n',
      '',
      '`src/greet.ts` line 2: Use a template string here.',
    ].join('\n');
    // The task had completed: the review resumes it, so the agent's prompt is the conversation so far, then the review as sent (README "Resume").
    await expect.poll(() => readPromptLog(promptLog).some((entry) => entry.text.endsWith(`The user now writes:\n\n${review}`)), { timeout: 120_000 }).toBe(true);

    // The agent's change is pushed: the task completes again with a new commit, and the diff shows it.
    await expect
      .poll(async () => {
        const task = await env.stack.client.getTask(taskId);
        return task.status === 'completed' && task.output.commitSha !== firstCommit;
      }, { timeout: 150_000 })
      .toBe(true);
    const again = await env.stack.client.getTask(taskId);
    expect(again.output.commitSha).toMatch(/^[0-9a-f]{40}$/);
    await panel().getByTestId('review-commit').filter({ hasText: (again.output.commitSha ?? '').slice(0, 12) }).waitFor({ timeout: 60_000 });
    await file('notes.md').locator('.diff-code-insert').filter({ hasText: 'hello to a name' }).waitFor();
    await screenshot(page, 'review-after-push-1440');
  });
});
