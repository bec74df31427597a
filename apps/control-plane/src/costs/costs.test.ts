/**
 * Costs and budgets (issue 16 item 2) inside the Worker: the PRICE_TABLE setting (a bad one keeps
 * the default, naming the problem), prices by longest model prefix, the estimate of ledger lines
 * (an unknown model: tokens counted, cost unknown), the ledger written once per run and read per
 * task and per day through the API, and the daily budget's setting and reason. The whole path —
 * a real agent's usage priced, a task held back and let go — is the capability test's
 * (tests/capability/cost.test.ts).
 */
import { budgetReachedReason, DEFAULT_PRICE_TABLE, type ModelUsage, type Project, type ProjectUsage, type UsageCost } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, expectJson, getTask } from '../../test/helpers.js';
import { budgetReached } from './budget.js';
import { estimateCost } from './estimate.js';
import { recordRunUsage, utcDay, type LedgerSum } from './ledger-repository.js';
import { priceOfModel, readPriceTable } from './price-table.js';

const line = (item: string, tokens: Partial<LedgerSum> = {}): LedgerSum => ({
  kind: 'model',
  item,
  requests: 1,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  nodeMs: 0,
  ...tokens,
});

describe('the price table', () => {
  it('is the default when PRICE_TABLE is unset, and the default with the override laid over it', () => {
    expect(readPriceTable(undefined)).toEqual({ table: DEFAULT_PRICE_TABLE, problem: null });
    const override = { models: { 'my-model': { inputPerMTokUsd: 1, outputPerMTokUsd: 2, cacheReadPerMTokUsd: 0, cacheWritePerMTokUsd: 1 } }, nodes: { hetzner: { large: 1 } } };
    const { table, problem } = readPriceTable(JSON.stringify(override));
    expect(problem).toBeNull();
    expect(table.models['my-model']).toEqual(override.models['my-model']);
    expect(table.models['claude-sonnet-4']).toEqual(DEFAULT_PRICE_TABLE.models['claude-sonnet-4']);
    expect(table.nodes.hetzner).toEqual({ ...DEFAULT_PRICE_TABLE.nodes.hetzner, large: 1 });
  });

  it('keeps the default when PRICE_TABLE is not JSON or not a price table, naming the problem', () => {
    const notJson = readPriceTable('{models:');
    expect(notJson.table).toEqual(DEFAULT_PRICE_TABLE);
    expect(notJson.problem).toMatch(/^PRICE_TABLE is not JSON .*the default price table is used$/);
    const negative = readPriceTable(JSON.stringify({ models: { x: { inputPerMTokUsd: -1, outputPerMTokUsd: 0, cacheReadPerMTokUsd: 0, cacheWritePerMTokUsd: 0 } } }));
    expect(negative.table).toEqual(DEFAULT_PRICE_TABLE);
    expect(negative.problem).toContain('models.x.inputPerMTokUsd');
  });

  it('prices a model by the longest prefix of its name, and knows no price for an unknown model', () => {
    expect(priceOfModel(DEFAULT_PRICE_TABLE, 'claude-opus-4-5-20251101')).toEqual(DEFAULT_PRICE_TABLE.models['claude-opus-4-5']);
    expect(priceOfModel(DEFAULT_PRICE_TABLE, 'claude-opus-4-1-20250805')).toEqual(DEFAULT_PRICE_TABLE.models['claude-opus-4']);
    expect(priceOfModel(DEFAULT_PRICE_TABLE, 'gpt-5-mini-2025-08-07')).toEqual(DEFAULT_PRICE_TABLE.models['gpt-5-mini']);
    expect(priceOfModel(DEFAULT_PRICE_TABLE, 'models/gemini-2.5-pro')).toEqual(DEFAULT_PRICE_TABLE.models['gemini-2.5-pro']);
    expect(priceOfModel(DEFAULT_PRICE_TABLE, 'llama-3-70b')).toBeNull();
  });
});

describe('the estimate', () => {
  it('prices each kind of token and the node hour', () => {
    const cost = estimateCost(DEFAULT_PRICE_TABLE, [
      line('claude-sonnet-4-5', { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 2_000_000, cacheWriteTokens: 400_000 }),
      { ...line('hetzner small'), kind: 'node', requests: 0, nodeMs: 2 * 3_600_000 },
      { ...line('local small'), kind: 'node', requests: 0, nodeMs: 60_000 },
    ]);
    // 3 + 1.5 + 0.6 + 1.5 dollars of tokens, 2 hours of a Hetzner small node at 0.007.
    expect(cost.costUsd).toBeCloseTo(6.6 + 0.014, 10);
    expect(cost.nodeMs).toBe(2 * 3_600_000 + 60_000);
    expect(cost.tokens).toEqual({ requests: 1, inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 2_000_000, cacheWriteTokens: 400_000 });
    expect(cost.unpriced).toEqual([]);
  });

  it('counts the tokens of a model without a price and leaves the cost unknown, never a guess', () => {
    const cost = estimateCost(DEFAULT_PRICE_TABLE, [line('llama-3-70b', { inputTokens: 10, outputTokens: 5 }), line('', { inputTokens: 1 }), line('gpt-5', { outputTokens: 1_000_000 })]);
    expect(cost.tokens.inputTokens).toBe(11);
    expect(cost.costUsd).toBeNull();
    expect(cost.pricedCostUsd).toBeCloseTo(10, 10);
    expect(cost.unpriced).toEqual(['llama-3-70b', 'unknown model']);
  });
});

const usage = (model: string | null, inputTokens: number, outputTokens: number): ModelUsage => {
  const counts = { requests: 2, inputTokens, outputTokens, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  return { ...counts, byModel: [{ model, ...counts }] };
};

describe('the usage ledger and the budget, through the API', () => {
  it('records a run once, and shows it on the task, its chat session and the project’s day', async () => {
    const project = await createProject('ledger');
    const task = await createTask(project.id, { description: 'Count me.' });
    const run = { projectId: project.id, taskId: task.id, chatSessionId: task.chatSessionId, runNumber: 1, usage: usage('gpt-5', 1_000_000, 0), node: { provider: 'local', size: 'small', heldMs: 90_000 } };
    await recordRunUsage(env.DB, run);
    await recordRunUsage(env.DB, run);

    const read = await getTask(task.id);
    expect(read.cost).toMatchObject({ tokens: { requests: 2, inputTokens: 1_000_000 }, nodeMs: 90_000, costUsd: 1.25, unpriced: [] });
    const session = await expectJson<UsageCost>(await api(`/api/projects/${project.id}/sessions/${task.chatSessionId ?? ''}/usage`), 200);
    expect(session).toEqual(read.cost);
    const days = await expectJson<ProjectUsage>(await api(`/api/projects/${project.id}/usage?days=2`), 200);
    expect(days.days.map((d) => d.day)).toEqual([utcDay(new Date(Date.now() - 86_400_000)), utcDay(new Date())]);
    expect(days.days[1]?.costUsd).toBe(1.25);
    expect(days.budget).toBeNull();
    await expectJson(await api(`/api/projects/${project.id}/usage?days=0`), 400);
    await expectJson(await api(`/api/projects/${project.id}/sessions/ses_nope/usage`), 404);
  });

  it('keeps a daily budget on the project (refusing a bad one with 400) and says when it is reached', async () => {
    const project = await createProject('budget');
    const refused = await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { dailyBudget: { unit: 'usd', limit: -1 } } });
    expect(refused.status).toBe(400);
    const budget = { unit: 'usd', limit: 5 } as const;
    const saved = await expectJson<Project>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { dailyBudget: budget } }), 200);
    expect(saved.dailyBudget).toEqual(budget);
    const cleared = await expectJson<Project>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { dailyBudget: null } }), 200);
    expect(cleared.dailyBudget).toBeNull();

    const spent = estimateCost(DEFAULT_PRICE_TABLE, [line('gpt-5', { outputTokens: 500_000 })]);
    expect(budgetReached(budget, spent)).toBe('Daily budget of $5.00 reached; runs again tomorrow (UTC) or when the budget is raised');
    expect(budgetReached({ unit: 'usd', limit: 5.01 }, spent)).toBeNull();
    expect(budgetReached({ unit: 'tokens', limit: 500_000 }, spent)).toBe(budgetReachedReason({ unit: 'tokens', limit: 500_000 }));
    expect(budgetReached(null, spent)).toBeNull();
  });
});
