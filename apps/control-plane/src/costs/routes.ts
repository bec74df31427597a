/**
 * Handlers of the cost routes of the public API (contracts `publicApi`): a project's usage and
 * cost estimate per UTC day with its budget (`GET /api/projects/:projectId/usage?days=N`), and a
 * chat session's (`GET /api/projects/:projectId/sessions/:sessionId/usage`: the runs in it).
 * Estimates use the price table of the moment (price-table.ts), so a price changed in
 * PRICE_TABLE changes past figures too.
 */
import { notFound } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { depsFromEnv } from '../deps.js';
import { requireProject } from '../projects/projects.js';
import { budgetReached } from './budget.js';
import { estimateCost } from './estimate.js';
import { ledgerOfProjectDays, ledgerOfSession, utcDay } from './ledger-repository.js';

const MS_PER_DAY = 86_400_000;

/** The last `days` UTC days up to `now`'s, oldest first. */
function lastDays(days: number, now: Date): string[] {
  return Array.from({ length: days }, (_, i) => utcDay(new Date(now.getTime() - (days - 1 - i) * MS_PER_DAY)));
}

export const costHandlers: PublicHandlers<'getProjectUsage' | 'getSessionUsage'> = {
  getProjectUsage: async ({ params, query }, c) => {
    const { db, config } = depsFromEnv(c.env);
    const project = await requireProject(db, params.projectId);
    const days = lastDays(query.days, new Date());
    const ledger = await ledgerOfProjectDays(db, project.id, days[0] ?? utcDay(new Date()));
    const table = config.priceTable.table;
    const perDay = days.map((day) => ({ day, ...estimateCost(table, ledger.get(day) ?? []) }));
    const today = perDay.at(-1);
    return { days: perDay, budget: project.dailyBudget ?? null, budgetReached: today ? budgetReached(project.dailyBudget, today) : null };
  },

  getSessionUsage: async ({ params }, c) => {
    const { db, stubs, config } = depsFromEnv(c.env);
    await requireProject(db, params.projectId);
    const session = await stubs.projectData(params.projectId).getSession(params.projectId, params.sessionId);
    if (!session) throw notFound(`chat session ${params.sessionId} not found`);
    return estimateCost(config.priceTable.table, await ledgerOfSession(db, params.projectId, params.sessionId));
  },
};
