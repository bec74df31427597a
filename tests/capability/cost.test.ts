/**
 * Capability (issue 16 item 2): costs and budgets, on the real stack with a real agent (Codex from
 * its npm package) against the fake OpenAI API, through the node's model gateway. A task's cost
 * figures are what the fake reported for that task — tokens in, out and cached — priced with the
 * deployment's PRICE_TABLE (its model and its local node hour given a price here), plus its node
 * time; the chat session and the project's day show the same. A project whose daily budget is
 * reached leaves the next task `queued` with the reason, never started; raising the budget lets
 * it run to the end.
 */
import { budgetReachedReason, formatCost, formatTokens, tokensTotal, type ModelPrice, type PriceTable, type Project } from '@flotilla/contracts';
import type { ModelRequest } from '@flotilla/testkit/fake-openai';
import { bootTestStack, createGitRepo, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentFakes, type AgentFakes } from './agents-support.js';
import { runCli } from './cli-support.js';

const MODEL = 'fake-model';
const PRICE: ModelPrice = { inputPerMTokUsd: 2, outputPerMTokUsd: 10, cacheReadPerMTokUsd: 0.5, cacheWritePerMTokUsd: 2.5 };
/** US dollars per hour of a local small node: 3.6, so a millisecond costs a millionth of a dollar. */
const LOCAL_NODE_HOUR_USD = 3.6;
const PRICE_TABLE: PriceTable = { models: { [MODEL]: PRICE }, nodes: { local: { small: LOCAL_NODE_HOUR_USD } } };

let stack: TestStack;
let fakes: AgentFakes;
let project: Project;

/** `flotilla <args> --server <this stack>`. */
const flotilla = (...args: string[]) => runCli([...args, '--server', stack.url]);

beforeAll(async () => {
  fakes = await startAgentFakes();
  stack = await bootTestStack({ agents: 'real', nodeEnv: fakes.nodeEnv, vars: { PRICE_TABLE: JSON.stringify(PRICE_TABLE) } });
  project = await stack.client.createProject({ name: 'costs', repoUrl: createGitRepo({ 'README.md': '# demo\n' }), defaultBranch: 'main', defaultAgentType: 'codex' });
});

afterAll(async () => {
  await stack?.close();
  await fakes?.close();
});

/** What the fake reported over `requests`, as the gateway counts OpenAI's usage (cached input apart). */
function reportedTotals(requests: ModelRequest[]) {
  const answered = requests.filter((request) => request.reportedUsage);
  const sum = (pick: (r: NonNullable<ModelRequest['reportedUsage']>) => number) => answered.reduce((total, r) => total + (r.reportedUsage ? pick(r.reportedUsage) : 0), 0);
  return {
    requests: answered.length,
    inputTokens: sum((u) => u.inputTokens - u.cachedTokens),
    outputTokens: sum((u) => u.outputTokens),
    cacheReadTokens: sum((u) => u.cachedTokens),
    cacheWriteTokens: 0,
  };
}

const script = (name: string) => [{ text: 'I will write it.', shell: `printf '${name}\\n' > ${name}.md && echo done` }, { text: `Wrote ${name}.md.` }];

describe('cost per task', () => {
  it('equals what the fake model API reported for the task, priced with the price table, plus its node time', async () => {
    fakes.openai.reset(script('first'));
    const created = await stack.client.createTask(project.id, { description: 'Write first.md.', run: true });
    const task = await waitForTask(stack.client, created.id, 240_000);
    expect(task.status).toBe('completed');
    for (const request of fakes.openai.requests()) if (request.reportedUsage) expect((request.body as { model?: string }).model).toBe(MODEL);

    const tokens = reportedTotals(fakes.openai.requests());
    expect(tokens.requests).toBeGreaterThanOrEqual(2);
    const cost = task.cost;
    expect(cost?.tokens).toEqual(tokens);
    expect(cost?.nodeMs).toBeGreaterThan(0);
    expect(cost?.nodeMs).toBeLessThan(Date.parse(task.updatedAt) - Date.parse(task.createdAt) + 1_000);
    const tokenUsd = (tokens.inputTokens * PRICE.inputPerMTokUsd + tokens.outputTokens * PRICE.outputPerMTokUsd + tokens.cacheReadTokens * PRICE.cacheReadPerMTokUsd) / 1e6;
    const nodeUsd = ((cost?.nodeMs ?? 0) / 3_600_000) * LOCAL_NODE_HOUR_USD;
    expect(cost?.unpriced).toEqual([]);
    expect(cost?.costUsd).toBeCloseTo(tokenUsd + nodeUsd, 10);
    expect(cost?.pricedCostUsd).toBeCloseTo(tokenUsd + nodeUsd, 10);

    // The task list, the chat session and the project's day show the same figures.
    const listed = (await stack.client.listTasks(project.id)).find((t) => t.id === task.id);
    expect(listed?.cost).toEqual(cost);
    expect(await stack.client.getSessionUsage(project.id, task.chatSessionId ?? '')).toEqual(cost);
    const usage = await stack.client.getProjectUsage(project.id, 3);
    expect(usage.days.map((d) => d.day)).toHaveLength(3);
    expect(usage.days.at(-1)?.day).toBe(new Date().toISOString().slice(0, 10));
    expect(usage.days.at(-1)?.tokens).toEqual(tokens);
    expect(usage.days.at(-1)?.costUsd).toBeCloseTo(cost?.costUsd ?? -1, 10);
    expect(usage.days[0]?.tokens.requests).toBe(0);
    expect(usage.budgetReached).toBeNull();
    // `flotilla tasks` has a column with the task's tokens and cost; `flotilla logs` the whole line.
    const listing = await flotilla('tasks');
    expect(listing.code).toBe(0);
    const line = listing.stdout.split('\n').find((l) => l.includes(task.id)) ?? '';
    expect(line).toContain(`${formatTokens(tokensTotal(tokens))} tokens ${cost ? formatCost(cost) : '?'}`);
    // The cost as the task list formats it: its size depends on the node time (a cent or less is "<$0.01").
    const usageLine = (await flotilla('logs', task.id)).stdout.split('\n').find((l) => l.startsWith('Usage: ')) ?? '';
    expect(usageLine).toMatch(/^Usage: .* tokens in, .* out · .* · node \d+ (s|min) \(estimate\)$/);
    expect(usageLine).toContain(` · ${cost ? formatCost(cost) : '?'} · node `);
  });
});

describe('a daily budget', () => {
  it('once reached, leaves the next task queued with the reason; raising it lets the task run', async () => {
    const today = (await stack.client.getProjectUsage(project.id, 1)).days[0];
    const used = today ? tokensTotal(today.tokens) : 0;
    expect(used).toBeGreaterThan(0);
    const budget = { unit: 'tokens', limit: used } as const;
    const changed = await stack.client.updateProject(project.id, { dailyBudget: budget });
    expect(changed.dailyBudget).toEqual(budget);
    expect((await stack.client.getProjectUsage(project.id, 1)).budgetReached).toBe(budgetReachedReason(budget));

    fakes.openai.reset(script('second'));
    const created = await stack.client.createTask(project.id, { description: 'Write second.md.', run: true });
    const reason = budgetReachedReason(budget);
    await waitUntil('the task says why it waits', async () => (await stack.client.getTask(created.id)).waitingReason === reason, 60_000);
    const waiting = await stack.client.getTask(created.id);
    expect(waiting.status).toBe('queued');
    expect(waiting.nodeId).toBeNull();
    expect(waiting.error).toBeNull();
    expect(fakes.openai.requests()).toEqual([]);
    expect((await flotilla('tasks', '--status', 'queued')).stdout).toContain(`waiting: ${reason}`);

    await stack.client.updateProject(project.id, { dailyBudget: { unit: 'usd', limit: 1_000 } });
    const task = await waitForTask(stack.client, created.id, 240_000);
    expect(task.status).toBe('completed');
    expect(task.waitingReason).toBeNull();
    expect(task.events.some((event) => event.toStatus === 'failed')).toBe(false);
    expect(task.cost?.tokens).toEqual(reportedTotals(fakes.openai.requests()));
  });
});
