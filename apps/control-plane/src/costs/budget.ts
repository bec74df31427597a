/**
 * A project's daily budget (issue 16 item 2): once what the project's runs used today (UTC) —
 * tokens in and out, or the priced part of the cost estimate — reaches its budget, a task that
 * would start waits `queued` with the reason on it (`waiting_reason`), not failed; its run
 * re-checks (tasks/runner/task-run.ts) every BUDGET_RECHECK_INTERVAL_MS, when the project's
 * budget changes (projects `changeProject` wakes it), and at the cron sweep — so it starts when
 * the budget is raised or the day changes. Running tasks are never stopped. Only ended runs
 * count (their usage is known when they end).
 */
import { budgetReachedReason, tokensTotal, type DailyBudget, type PriceTable, type UsageCost } from '@flotilla/contracts';
import type { Deps } from '../deps.js';
import { getProject } from '../projects/repository.js';
import { announceTask } from '../tasks/events.js';
import { getTaskRow, listQueuedTaskIds, updateTaskFieldsStatement, type TaskRow } from '../tasks/repository.js';
import { estimateCost } from './estimate.js';
import { ledgerOfProjectDays, utcDay } from './ledger-repository.js';

/** What project `projectId` used today (UTC), estimated. */
export async function usageToday(db: D1Database, table: PriceTable, projectId: string, now = new Date()): Promise<UsageCost> {
  const today = utcDay(now);
  const lines = (await ledgerOfProjectDays(db, projectId, today)).get(today) ?? [];
  return estimateCost(table, lines);
}

/** Why new tasks wait under `budget` after `today`'s usage, or null when it is not reached. */
export function budgetReached(budget: DailyBudget | null | undefined, today: UsageCost): string | null {
  if (!budget) return null;
  const used = budget.unit === 'usd' ? today.pricedCostUsd : tokensTotal(today.tokens);
  return used >= budget.limit ? budgetReachedReason(budget) : null;
}

/**
 * Whether task `taskId` of project `projectId` must wait for the budget; the reason is written on
 * the task (and announced) when it changes, and cleared when it may go.
 * @returns the reason, or null when the task may start
 */
export async function budgetHold(deps: Pick<Deps, 'db' | 'stubs' | 'log' | 'config'>, projectId: string, taskId: string): Promise<string | null> {
  const project = await getProject(deps.db, projectId);
  const reason = project?.dailyBudget ? budgetReached(project.dailyBudget, await usageToday(deps.db, deps.config.priceTable.table, projectId)) : null;
  const row = await getTaskRow(deps.db, taskId);
  if ((row?.waiting_reason ?? null) !== reason) {
    const written = await updateTaskFieldsStatement(deps.db, taskId, { waiting_reason: reason }).first<TaskRow>();
    if (written) await announceTask(deps, written);
    if (reason) deps.log.child({ component: 'budget' }).info('task waits for the daily budget', { taskId, projectId });
  }
  return reason;
}

/** Wake the runs of project `projectId`'s queued tasks (its budget changed): each re-checks the budget now. */
export async function wakeQueuedTasks(deps: Pick<Deps, 'db' | 'stubs'>, projectId: string): Promise<void> {
  for (const taskId of await listQueuedTaskIds(deps.db, projectId)) await deps.stubs.taskRunner(taskId).wake();
}
