/**
 * D1 storage of the usage ledger (`usage_ledger`, migration 0014): what each run of a task used —
 * one row per model it asked (tokens, from the node's model gateway) and one for its node time —
 * and the sums the cost estimates are computed from. Every SQL statement on it is here. A run's
 * rows are written once (`INSERT OR IGNORE` on task, run number, kind and item): a repeated
 * report of a run's end adds nothing.
 */
import type { ModelUsage } from '@flotilla/contracts';

/** What one run used, as recorded when it ended. */
export interface RunUsage {
  projectId: string;
  taskId: string;
  chatSessionId: string | null;
  runNumber: number;
  /** The gateway's counts (absent: the run made no model request through it). */
  usage?: ModelUsage | undefined;
  /** The run's node and how long it held it (ms); absent: it never got one. */
  node?: { provider: string; size: string | null; heldMs: number } | undefined;
}

/** One summed line of the ledger: a model's tokens, or node time of one provider and size. */
export interface LedgerSum {
  kind: 'model' | 'node';
  /** Model name ('' when the API named none), or `<provider> <size>`. */
  item: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  nodeMs: number;
}

/** The UTC day of `at`, `YYYY-MM-DD`. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** The node item of a provider and size: `local small` (size `?` when the node has none). */
export const nodeItem = (provider: string, size: string | null): string => `${provider} ${size ?? '?'}`;

/** Record what a run used, counted for today (UTC). Idempotent per run. */
export async function recordRunUsage(db: D1Database, run: RunUsage, now = new Date()): Promise<void> {
  const day = utcDay(now);
  const at = now.toISOString();
  const insert = db.prepare(
    `INSERT OR IGNORE INTO usage_ledger (project_id, task_id, chat_session_id, run_number, kind, item, requests, input_tokens, output_tokens,
       cache_read_tokens, cache_write_tokens, node_ms, day, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const base = [run.projectId, run.taskId, run.chatSessionId, run.runNumber] as const;
  const statements: D1PreparedStatement[] = [];
  const usage = run.usage;
  if (usage && usage.requests > 0) {
    // Per model when the daemon said; else all of it under no model (priced as unknown).
    const models = usage.byModel ?? [{ ...usage, model: null }];
    for (const m of models) {
      statements.push(insert.bind(...base, 'model', m.model ?? '', m.requests, m.inputTokens, m.outputTokens, m.cacheReadInputTokens, m.cacheCreationInputTokens, 0, day, at));
    }
  }
  if (run.node && run.node.heldMs > 0) {
    statements.push(insert.bind(...base, 'node', nodeItem(run.node.provider, run.node.size), 0, 0, 0, 0, 0, Math.round(run.node.heldMs), day, at));
  }
  if (statements.length > 0) await db.batch(statements);
}

const SUMS = `kind, item, SUM(requests) AS requests, SUM(input_tokens) AS inputTokens, SUM(output_tokens) AS outputTokens,
  SUM(cache_read_tokens) AS cacheReadTokens, SUM(cache_write_tokens) AS cacheWriteTokens, SUM(node_ms) AS nodeMs`;

/** The ledger of tasks `taskIds`, summed per task, kind and item. */
export async function ledgerOfTasks(db: D1Database, taskIds: readonly string[]): Promise<Map<string, LedgerSum[]>> {
  const byTask = new Map<string, LedgerSum[]>();
  if (taskIds.length === 0) return byTask;
  // D1 allows 100 bound parameters per statement: ask in chunks.
  for (let i = 0; i < taskIds.length; i += 90) {
    const chunk = taskIds.slice(i, i + 90);
    const { results } = await db
      .prepare(`SELECT task_id AS taskId, ${SUMS} FROM usage_ledger WHERE task_id IN (${chunk.map(() => '?').join(', ')}) GROUP BY task_id, kind, item`)
      .bind(...chunk)
      .all<LedgerSum & { taskId: string }>();
    for (const { taskId, ...sum } of results) byTask.set(taskId, [...(byTask.get(taskId) ?? []), sum]);
  }
  return byTask;
}

/** The ledger of chat session `chatSessionId` of project `projectId` (the runs in it), summed per kind and item. */
export async function ledgerOfSession(db: D1Database, projectId: string, chatSessionId: string): Promise<LedgerSum[]> {
  const { results } = await db
    .prepare(`SELECT ${SUMS} FROM usage_ledger WHERE project_id = ? AND chat_session_id = ? GROUP BY kind, item`)
    .bind(projectId, chatSessionId)
    .all<LedgerSum>();
  return results;
}

/** The ledger of project `projectId` from UTC day `fromDay` on (inclusive), summed per day, kind and item. */
export async function ledgerOfProjectDays(db: D1Database, projectId: string, fromDay: string): Promise<Map<string, LedgerSum[]>> {
  const { results } = await db
    .prepare(`SELECT day, ${SUMS} FROM usage_ledger WHERE project_id = ? AND day >= ? GROUP BY day, kind, item`)
    .bind(projectId, fromDay)
    .all<LedgerSum & { day: string }>();
  const byDay = new Map<string, LedgerSum[]>();
  for (const { day, ...sum } of results) byDay.set(day, [...(byDay.get(day) ?? []), sum]);
  return byDay;
}
