/**
 * Read-only looks into a local node's data directory, for crash tests that must know what the
 * node daemon had durably stored when it died: the messages still in its outbox, the task
 * callbacks not yet taken by the control plane, and a workspace's callback token (so a test can
 * call the batch endpoint exactly as the daemon does).
 * Opens `<nodeDataDir>/daemon.db` read-only; never writes to it.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

function openReadOnly(nodeDataDir: string): Database.Database | null {
  const file = join(nodeDataDir, 'daemon.db');
  if (!existsSync(file)) return null;
  return new Database(file, { readonly: true, fileMustExist: true });
}

/**
 * The messageIds still pending in a node's outbox (table `outbox_messages`), oldest first.
 *
 * @param nodeDataDir the node daemon's FLOTILLA_DATA_DIR.
 * @returns an empty list when the database or the table does not exist yet.
 */
export function pendingOutboxMessageIds(nodeDataDir: string): string[] {
  const db = openReadOnly(nodeDataDir);
  if (!db) return [];
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox_messages'").get();
    if (!table) return [];
    return db.prepare<[], string>('SELECT message_id FROM outbox_messages ORDER BY id').pluck().all();
  } finally {
    db.close();
  }
}

/**
 * The task callbacks a node still holds (table `task_callbacks`, daemon schema 4): stored before
 * they are sent, deleted once the control plane took them. Oldest first.
 *
 * @param nodeDataDir the node daemon's FLOTILLA_DATA_DIR.
 * @returns an empty list when the database does not exist yet.
 * @throws Error when the database has no such table (a daemon without durable task callbacks).
 */
export function pendingTaskCallbacks(nodeDataDir: string): Array<{ taskId: string; workspaceId: string; status: string; attempts: number }> {
  const db = openReadOnly(nodeDataDir);
  if (!db) return [];
  try {
    const rows = db.prepare<[], { task_id: string; workspace_id: string; body: string; attempts: number }>('SELECT task_id, workspace_id, body, attempts FROM task_callbacks ORDER BY id').all();
    return rows.map((row) => ({ taskId: row.task_id, workspaceId: row.workspace_id, status: (JSON.parse(row.body) as { status: string }).status, attempts: row.attempts }));
  } finally {
    db.close();
  }
}

/**
 * The callback token the node daemon holds for one workspace (audience `workspace-callback`,
 * scoped to that workspace), as the control plane handed it over.
 *
 * @throws Error when the node has no such workspace.
 */
export function workspaceCallbackToken(nodeDataDir: string, workspaceId: string): string {
  const db = openReadOnly(nodeDataDir);
  try {
    const token = db?.prepare<[string], string>('SELECT callback_token FROM workspaces WHERE id = ?').pluck().get(workspaceId);
    if (!token) throw new Error(`node at ${nodeDataDir} has no workspace ${workspaceId}`);
    return token;
  } finally {
    db?.close();
  }
}
