/**
 * Model usage in the daemon database (table `model_usage`, schema 3): one row per request an
 * agent made through its workspace's model gateway (model-gateway/), with the tokens the model
 * API's answer reported. A task's totals go to the control plane with its task callback
 * (`TaskCallbackRequest.usage`), with the same counts per model (`byModel`).
 */
import { addModelUsage, EMPTY_MODEL_USAGE, type ModelUsage } from '@flotilla/contracts';
import type { SqliteDatabase } from './database.js';

/** One gateway request and what its answer said it used. */
export interface ModelUsageRow {
  workspaceId: string;
  /** The agent session whose agent made the request (null: none was recorded for it). */
  agentSessionId: string | null;
  /** The task the agent worked on (null: a workspace without a task). */
  taskId: string | null;
  /** The model the answer named, when it named one. */
  model: string | null;
  /** The HTTP status the agent got. */
  status: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

interface TotalsRow {
  model: string | null;
  requests: number;
  input: number | null;
  output: number | null;
  cacheCreation: number | null;
  cacheRead: number | null;
}

/** Synchronous writes and sums over `model_usage` (better-sqlite3). */
export class ModelUsageStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Add one request's row, stamped now. */
  record(row: ModelUsageRow): void {
    this.db
      .prepare(
        `INSERT INTO model_usage (workspace_id, agent_session_id, task_id, model, status, input_tokens, output_tokens,
           cache_creation_input_tokens, cache_read_input_tokens, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.workspaceId, row.agentSessionId, row.taskId, row.model, row.status, row.inputTokens, row.outputTokens, row.cacheCreationInputTokens, row.cacheReadInputTokens, new Date().toISOString());
  }

  /**
   * The totals of task `taskId`'s run in workspace `workspaceId` (a run of a task has a workspace
   * of its own, so an earlier run's requests on this node are not counted again).
   *
   * @returns undefined when the run made no request through the gateway
   */
  totalsOf(taskId: string, workspaceId: string): ModelUsage | undefined {
    const rows = this.db
      .prepare<[string, string], TotalsRow>(
        `SELECT model, COUNT(*) AS requests, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
           SUM(cache_creation_input_tokens) AS cacheCreation, SUM(cache_read_input_tokens) AS cacheRead
         FROM model_usage WHERE task_id = ? AND workspace_id = ? GROUP BY model ORDER BY model`,
      )
      .all(taskId, workspaceId);
    const byModel = rows.map((row) => ({
      model: row.model,
      requests: row.requests,
      inputTokens: row.input ?? 0,
      outputTokens: row.output ?? 0,
      cacheCreationInputTokens: row.cacheCreation ?? 0,
      cacheReadInputTokens: row.cacheRead ?? 0,
    }));
    if (byModel.length === 0) return undefined;
    // The totals, and the same per model: what the control plane's cost estimate prices.
    return { ...byModel.reduce(addModelUsage, EMPTY_MODEL_USAGE), byModel };
  }
}
