/**
 * Browser (issue 16 item 2): costs and budgets as a user sees them. A Codex task (the real agent,
 * against the fake OpenAI API, through the node's model gateway) shows its tokens, cost estimate
 * and node time in its session header and, small, on its board card; the project settings set a
 * daily budget (a bad amount named at the field) and show the usage per day; with the budget
 * reached, a new task waits — its card and its session say why, with the way to the budget.
 * Screenshots at 1440 and 375 px, light and dark.
 */
import { budgetReachedReason, formatTokens, formatUsageLine, tokensTotal, type ModelPrice } from '@flotilla/contracts';
import { fakeModelNodeEnv, startFakeOpenAI, type FakeModelApi } from '@flotilla/testkit/fake-openai';
import { bootTestStack, createGitRepo, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser.js';

/** A made-up price for the fake's model, high enough that its cost reads as dollars and cents. */
const PRICE: ModelPrice = { inputPerMTokUsd: 300, outputPerMTokUsd: 1500, cacheReadPerMTokUsd: 30, cacheWritePerMTokUsd: 375 };

let fake: FakeModelApi;
let stack: TestStack;
let browser: Browser;
let page: Page;
let projectId = '';
let doneId = '';

beforeAll(async () => {
  fake = await startFakeOpenAI();
  stack = await bootTestStack({
    agents: 'real',
    nodeEnv: fakeModelNodeEnv('codex', fake.url, 'sk-browser-cost-not-real'),
    vars: { PRICE_TABLE: JSON.stringify({ models: { 'fake-model': PRICE } }) },
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  const repo = createGitRepo({ 'README.md': '# costs\n' });
  projectId = (await stack.client.createProject({ name: 'costs', repoUrl: repo, defaultBranch: 'main', defaultAgentType: 'codex' })).id;
  fake.reset([{ text: 'I will write it.', shell: "printf 'hello\\n' > hello.md && echo done" }, { text: 'Wrote hello.md.' }]);
  const task = await stack.client.createTask(projectId, { title: 'Write hello.md', description: 'Write hello.md.', run: true });
  doneId = task.id;
  expect((await waitForTask(stack.client, task.id, 240_000)).status).toBe('completed');
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await fake?.close();
});

/** Screenshots `<name>-1440`, `<name>-1440-dark` and `<name>-375` of what `open` shows, waiting for `ready`. */
async function shoot(name: string, open: () => Promise<void>, ready: string): Promise<void> {
  for (const [width, scheme, suffix] of [
    [1440, 'light', '1440'],
    [1440, 'dark', '1440-dark'],
    [375, 'light', '375'],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await open();
    await page.locator(ready).first().waitFor();
    await screenshot(page, `${name}-${suffix}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('costs in the web app', () => {
  it("a task's session header and board card show its tokens, cost and node time", async () => {
    const task = await stack.client.getTask(doneId);
    const cost = task.cost;
    if (!cost) throw new Error('the task has no cost');
    expect(cost.costUsd).toBeGreaterThan(0.01);
    await page.goto(`${stack.url}/projects/${projectId}/chat/${task.chatSessionId ?? ''}`);
    await expect.poll(() => page.getByTestId('task-usage').textContent()).toBe(`${formatUsageLine(cost)} (estimate)`);
    await shoot('cost-task', () => page.goto(`${stack.url}/projects/${projectId}/chat/${task.chatSessionId ?? ''}`).then(() => undefined), '[data-testid="task-usage"]');

    await page.goto(`${stack.url}/projects/${projectId}/board`);
    const card = page.locator(`article.kanban-card[data-task-id="${task.id}"] [data-testid="card-usage"]`);
    await expect.poll(() => card.textContent()).toBe(`${formatTokens(tokensTotal(cost.tokens))} tokens · $${(cost.costUsd ?? 0).toFixed(2)}`);
  });

  it('the settings set a daily budget and show the usage per day; a task then waits, saying why', async () => {
    const settings = () => page.goto(`${stack.url}/projects/${projectId}/settings`).then(() => undefined);
    await page.setViewportSize({ width: 1440, height: 900 });
    await settings();
    const form = page.locator('form.budget-form');
    await form.getByLabel('Limit by', { exact: false }).selectOption('usd');
    await form.getByLabel('Dollars', { exact: true }).fill('-2');
    await form.getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('Give an amount in dollars above 0');
    await form.getByLabel('Dollars', { exact: true }).fill('0.01');
    await form.getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Budget saved.');
    const budget = { unit: 'usd', limit: 0.01 } as const;
    expect((await stack.client.getProject(projectId)).dailyBudget).toEqual(budget);

    const table = page.getByTestId('usage-table');
    const today = new Date().toISOString().slice(0, 10);
    await expect.poll(() => table.locator('tbody tr').first().locator('th').textContent()).toBe(today);
    await expect.poll(() => page.locator('.usage-card').getByRole('status').textContent()).toBe(`${budgetReachedReason(budget)}.`);
    await shoot('cost-settings', async () => {
      await settings();
      await page.locator('.usage-card').scrollIntoViewIfNeeded();
    }, '[data-testid="usage-table"]');

    fake.reset([{ text: 'Never asked.' }]);
    const waiting = await stack.client.createTask(projectId, { title: 'Waits for the budget', description: 'Write later.md.', run: true });
    await waitUntil('the task says why it waits', async () => (await stack.client.getTask(waiting.id)).waitingReason === budgetReachedReason(budget), 60_000);
    expect(fake.requests()).toEqual([]);
    await page.goto(`${stack.url}/projects/${projectId}/board`);
    await expect.poll(() => page.locator(`article.kanban-card[data-task-id="${waiting.id}"] [data-testid="card-waiting"]`).textContent()).toBe('Waiting: daily budget reached');
    await shoot('cost-board', () => page.goto(`${stack.url}/projects/${projectId}/board`).then(() => undefined), `article.kanban-card[data-task-id="${waiting.id}"] [data-testid="card-waiting"]`);

    const session = (await stack.client.getTask(waiting.id)).chatSessionId ?? '';
    await page.goto(`${stack.url}/projects/${projectId}/chat/${session}`);
    const reason = page.getByTestId('task-waiting');
    await expect.poll(() => reason.textContent()).toBe(`${budgetReachedReason(budget)}. Change the budget`);
    await shoot('cost-waiting', () => page.goto(`${stack.url}/projects/${projectId}/chat/${session}`).then(() => undefined), '[data-testid="task-waiting"]');
    await reason.getByRole('link', { name: 'Change the budget' }).click();
    await page.locator('form.budget-form').waitFor();
  });
});
