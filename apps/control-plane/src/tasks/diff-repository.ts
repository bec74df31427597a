/**
 * D1 storage of task patches: `task_diffs` (migration 0013), one row per task — the patch of its
 * last completion, which a later completion replaces. Every SQL statement on the table is here.
 */
import { TaskDiff, type TaskDiffPatch } from '@flotilla/contracts';

interface TaskDiffRow {
  task_id: string;
  commit_sha: string | null;
  branch: string | null;
  base_branch: string | null;
  patch: string;
  truncated: number;
  omitted_files: string;
  omitted_file_count: number;
  updated_at: string;
}

/** What the completion that produced a patch said about it. */
export interface TaskDiffSource {
  commitSha: string | null;
  branch: string | null;
  baseBranch: string | null;
}

/**
 * Store `patch` as task `taskId`'s diff, replacing the one of an earlier completion.
 * @param now ISO time stored as `updatedAt`
 */
export async function saveTaskDiff(db: D1Database, taskId: string, source: TaskDiffSource, patch: TaskDiffPatch, now = new Date().toISOString()): Promise<void> {
  await db
    .prepare(
      `INSERT INTO task_diffs (task_id, commit_sha, branch, base_branch, patch, truncated, omitted_files, omitted_file_count, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (task_id) DO UPDATE SET commit_sha = excluded.commit_sha, branch = excluded.branch, base_branch = excluded.base_branch,
         patch = excluded.patch, truncated = excluded.truncated, omitted_files = excluded.omitted_files,
         omitted_file_count = excluded.omitted_file_count, updated_at = excluded.updated_at`,
    )
    .bind(taskId, source.commitSha, source.branch, source.baseBranch, patch.patch, patch.truncated ? 1 : 0, JSON.stringify(patch.omittedFiles), patch.omittedFileCount, now)
    .run();
}

/** Forget task `taskId`'s diff (its last completion changed nothing, or reported no patch). */
export async function deleteTaskDiff(db: D1Database, taskId: string): Promise<void> {
  await db.prepare('DELETE FROM task_diffs WHERE task_id = ?').bind(taskId).run();
}

/** Task `taskId`'s diff as the API shows it, or null when it has none. */
export async function getTaskDiff(db: D1Database, taskId: string): Promise<TaskDiff | null> {
  const row = await db.prepare('SELECT * FROM task_diffs WHERE task_id = ?').bind(taskId).first<TaskDiffRow>();
  if (!row) return null;
  return TaskDiff.parse({
    taskId: row.task_id,
    commitSha: row.commit_sha,
    branch: row.branch,
    baseBranch: row.base_branch,
    patch: row.patch,
    truncated: row.truncated === 1,
    omittedFiles: JSON.parse(row.omitted_files) as unknown,
    omittedFileCount: row.omitted_file_count,
    updatedAt: row.updated_at,
  });
}
