/**
 * Costs and budgets (issue 16 item 2): the price table a cost estimate is computed with, the
 * usage-and-cost figures the API answers for a task, a chat session and a project's days, and a
 * project's daily budget. Every figure in US dollars is an ESTIMATE from the price table — the
 * model API's invoice is the truth; a model the table does not know has its tokens counted and
 * its cost unknown (never a guessed number).
 */
import * as z from 'zod';

const Usd = z.number().finite().min(0);
const Count = z.number().int().min(0);

/** What one model costs, in US dollars per million tokens. */
export const ModelPrice = z.strictObject({
  inputPerMTokUsd: Usd,
  outputPerMTokUsd: Usd,
  /** Input tokens read from the prompt cache. */
  cacheReadPerMTokUsd: Usd,
  /** Input tokens written to the prompt cache. */
  cacheWritePerMTokUsd: Usd,
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/**
 * A price table (the PRICE_TABLE setting of the control plane, over {@link DEFAULT_PRICE_TABLE}):
 * `models` by model name PREFIX — the longest prefix of the name the model API answered with
 * wins (`claude-sonnet-4` prices `claude-sonnet-4-5-20250929`); `nodes` by provider, then by VM
 * size, in US dollars per hour of node time.
 */
export const PriceTable = z.strictObject({
  models: z.record(z.string().min(1).max(200), ModelPrice).default({}),
  nodes: z.record(z.string().min(1).max(50), z.record(z.string().min(1).max(50), Usd)).default({}),
});
export type PriceTable = z.infer<typeof PriceTable>;

const price = (input: number, output: number, cacheRead: number, cacheWrite: number): ModelPrice => ({
  inputPerMTokUsd: input,
  outputPerMTokUsd: output,
  cacheReadPerMTokUsd: cacheRead,
  cacheWritePerMTokUsd: cacheWrite,
});

/**
 * The default price table: list prices of the vendors' APIs for the model families Flotilla's
 * agents use (Claude, GPT, Gemini; as published in 2025 — an estimate, override with PRICE_TABLE),
 * and node time: local nodes cost nothing, Hetzner's sizes (cx22, cx32, cx42) roughly their hourly
 * list price. OpenAI and Google charge no cache writes: their cache-write price is the input price.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  models: {
    'claude-opus-4': price(15, 75, 1.5, 18.75),
    'claude-opus-4-5': price(5, 25, 0.5, 6.25),
    'claude-sonnet-4': price(3, 15, 0.3, 3.75),
    'claude-3-7-sonnet': price(3, 15, 0.3, 3.75),
    'claude-haiku-4': price(1, 5, 0.1, 1.25),
    'claude-3-5-haiku': price(0.8, 4, 0.08, 1),
    'gpt-5': price(1.25, 10, 0.125, 1.25),
    'gpt-5-mini': price(0.25, 2, 0.025, 0.25),
    'gpt-5-nano': price(0.05, 0.4, 0.005, 0.05),
    'gpt-4.1': price(2, 8, 0.5, 2),
    'gpt-4.1-mini': price(0.4, 1.6, 0.1, 0.4),
    'gpt-4o': price(2.5, 10, 1.25, 2.5),
    'o4-mini': price(1.1, 4.4, 0.275, 1.1),
    'gemini-2.5-pro': price(1.25, 10, 0.31, 1.25),
    'gemini-2.5-flash': price(0.3, 2.5, 0.075, 0.3),
    'gemini-2.5-flash-lite': price(0.1, 0.4, 0.025, 0.1),
  },
  nodes: {
    local: { small: 0, medium: 0, large: 0 },
    hetzner: { small: 0.007, medium: 0.012, large: 0.027 },
  },
};

/** Token totals (all models). "In" as shown to people is input + cache read + cache write. */
export const TokenTotals = z.object({
  requests: Count,
  inputTokens: Count,
  outputTokens: Count,
  cacheReadTokens: Count,
  cacheWriteTokens: Count,
});
export type TokenTotals = z.infer<typeof TokenTotals>;

/** What a task, a chat session or a day used, and what that cost by the price table. */
export const UsageCost = z.object({
  tokens: TokenTotals,
  /** Node time (ms): from when a run got its node to when it ended, summed over runs. */
  nodeMs: Count,
  /** The estimate in US dollars; null when something used has no price (see `unpriced`). */
  costUsd: Usd.nullable(),
  /** The part of the estimate the price table could price (what a money budget counts). */
  pricedCostUsd: Usd,
  /** What has no price: model names (`unknown model` when the API named none) and `node <provider> <size>`. */
  unpriced: z.array(z.string()),
});
export type UsageCost = z.infer<typeof UsageCost>;

export const EMPTY_USAGE_COST: UsageCost = {
  tokens: { requests: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
  nodeMs: 0,
  costUsd: 0,
  pricedCostUsd: 0,
  unpriced: [],
};

/** A project's daily budget: tokens (in + out, cache included) or US dollars per UTC day. */
export const DailyBudget = z.strictObject({
  unit: z.enum(['usd', 'tokens']),
  /** Dollars (usd) or tokens per UTC day; more than 0. */
  limit: z.number().finite().positive().max(1e12),
});
export type DailyBudget = z.infer<typeof DailyBudget>;

/** `GET /api/projects/:projectId/usage?days=N`: the last N UTC days, today included (default 7, at most 366). */
export const ProjectUsageQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(7) });
export type ProjectUsageQuery = z.infer<typeof ProjectUsageQuery>;

export const ProjectUsageDay = UsageCost.extend({
  /** The UTC day, `YYYY-MM-DD`. */
  day: z.string(),
});
export type ProjectUsageDay = z.infer<typeof ProjectUsageDay>;

export const ProjectUsage = z.object({
  /** One entry per day, oldest first; days without usage have zeros. */
  days: z.array(ProjectUsageDay),
  budget: DailyBudget.nullable(),
  /** Why new tasks wait today (the budget is reached), or null. */
  budgetReached: z.string().nullable(),
});
export type ProjectUsage = z.infer<typeof ProjectUsage>;
