/**
 * Browser (issue 13 item 4): a task run on several agents from the chat's task form ("Run on…"
 * in the advanced options, agents by name) lands on its session, which compares the agents'
 * results side by side — one column per agent at 1440 px, stacked cards at 375 px — each with
 * its status, summary, files changed, tokens and a link to that agent's own chat session. The
 * stack's nodes run the scripted agent for every agent type.
 */
import { AGENT_CATALOG, taskVariantBranchName, type AgentType } from '@flotilla/contracts';
import { waitForTask } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, createTestProject, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
let projectId = '';

beforeAll(async () => {
  env = await bootBrowserStack();
  page = await env.browser.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  projectId = (await createTestProject(env.stack, env.repo, 'several-agents')).id;
});

afterAll(async () => {
  await env?.close();
});

const AGENTS: AgentType[] = ['claude-code', 'codex', 'gemini'];
const comparison = () => page.getByRole('region', { name: 'Results by agent' });

describe('a task on several agents', () => {
  it('"Run on…" three agents, then their results side by side, each linking to its own chat', async () => {
    await page.goto(`${env.stack.url}/projects/${projectId}`);
    await page.getByLabel('Describe a task').fill('say: comparing agents\nwrite COMPARE.md: one file\\n\nsay: Wrote COMPARE.md for the comparison.');
    await page.getByText('Advanced options').click();
    for (const agent of AGENTS) await page.getByRole('checkbox', { name: AGENT_CATALOG[agent].label }).check();
    await expect.poll(() => page.getByText('Advanced options · on 3 agents').count()).toBe(1);
    await page.getByRole('button', { name: 'Run Now' }).click();

    await comparison().waitFor();
    const [task] = await env.stack.client.listTasks(projectId);
    expect(task?.variants?.map((v) => v.agentType)).toEqual(AGENTS);
    await page.waitForURL(new RegExp(`/chat/${task?.chatSessionId}$`));
    const done = await waitForTask(env.stack.client, task?.id ?? '', 180_000);
    expect(done.status).toBe('completed');

    for (const agent of AGENTS) {
      const column = comparison().getByRole('article', { name: AGENT_CATALOG[agent].label });
      await column.locator('[data-status="completed"]').waitFor();
      await column.getByText('Wrote COMPARE.md for the comparison.').waitFor();
      expect(await column.getByTestId('variant-files').textContent()).toContain('COMPARE.md');
      await column.getByText(taskVariantBranchName(done.id, agent)).waitFor();
    }
    // One column per agent, side by side.
    const boxes = await comparison().getByRole('article').evaluateAll((articles) => articles.map((a) => a.getBoundingClientRect().top));
    expect(new Set(boxes).size).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    await screenshot(page, 'several-agents-1440');

    // Each column leads to its agent's own chat session.
    const codex = done.variants?.find((v) => v.agentType === 'codex');
    await comparison().getByRole('link', { name: 'Open Codex chat' }).click();
    await page.waitForURL(new RegExp(`/chat/${codex?.chatSessionId}$`));
    await page.getByRole('log', { name: 'Messages' }).locator('article.message.assistant', { hasText: 'Wrote COMPARE.md for the comparison.' }).waitFor();
  });

  it('stacks the agents as cards 375 px wide', async () => {
    const [task] = await env.stack.client.listTasks(projectId);
    const mobile = await env.browser.newPage();
    await mobile.setViewportSize({ width: 375, height: 740 });
    await mobile.goto(`${env.stack.url}/projects/${projectId}/chat/${task?.chatSessionId}`);
    const region = mobile.getByRole('region', { name: 'Results by agent' });
    await region.getByRole('article').nth(2).locator('[data-status="completed"]').waitFor();
    const boxes = await region.getByRole('article').evaluateAll((articles) => articles.map((a) => a.getBoundingClientRect()));
    expect(new Set(boxes.map((b) => b.left)).size).toBe(1);
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(mobile, 'several-agents-375');
    await mobile.close();
  });
});
