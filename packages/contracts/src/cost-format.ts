/**
 * Usage and cost in words, the same in the web app and the CLI: "12.3k tokens in, 2.1k out ·
 * $0.04 · node 3 min" (costs.ts). A cost the price table cannot give is "cost unknown".
 */
import type { DailyBudget, TokenTotals, UsageCost } from './costs.js';

/** A count of tokens, short: 950, 12.3k, 4.5M. */
export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(count / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** Dollars: cents for a cent or more, else "<$0.01" (and "$0.00" for nothing). */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

/** A duration given in ms, short: "45 s", "3 min", "2 h 5 min". */
export function formatDurationMs(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** Tokens read in by the model: input, cache reads and cache writes. */
export const tokensIn = (tokens: TokenTotals): number => tokens.inputTokens + tokens.cacheReadTokens + tokens.cacheWriteTokens;

/** Every token of `tokens`, in and out (what a token budget counts). */
export const tokensTotal = (tokens: TokenTotals): number => tokensIn(tokens) + tokens.outputTokens;

/** The estimate in words: "$0.04", or "cost unknown" when part of the usage has no price. */
export const formatCost = (usage: UsageCost): string => (usage.costUsd === null ? 'cost unknown' : formatUsd(usage.costUsd));

/** "12.3k tokens in, 2.1k out · $0.04 · node 3 min" (node time left out when there was none). */
export function formatUsageLine(usage: UsageCost): string {
  const parts = [`${formatTokens(tokensIn(usage.tokens))} tokens in, ${formatTokens(usage.tokens.outputTokens)} out`, formatCost(usage)];
  if (usage.nodeMs > 0) parts.push(`node ${formatDurationMs(usage.nodeMs)}`);
  return parts.join(' · ');
}

/** A budget in words: "$5.00" or "200k tokens". */
export const formatBudget = (budget: DailyBudget): string => (budget.unit === 'usd' ? `$${budget.limit.toFixed(2)}` : `${formatTokens(budget.limit)} tokens`);

/** Why a task waits when the project's daily budget is reached (shown on the task). */
export const budgetReachedReason = (budget: DailyBudget): string =>
  `Daily budget of ${formatBudget(budget)} reached; runs again tomorrow (UTC) or when the budget is raised`;
