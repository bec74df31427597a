/**
 * The durable queue of follow-up prompts (issue 4 item 5) on ProjectData's SQLite: a prompt is
 * stored here, in the same transaction as its `user` chat message, before any delivery is
 * attempted; it stays `pending` until the node daemon accepted it (or the agent is known to be
 * gone: `failed`). Its `message_id` is both the chat message id and the delivery's idempotency
 * key. Plain functions over `SqlStorage` (table created by migration 2 in schema.ts); what a
 * delivery attempt means for a queued prompt is project-chat.ts.
 */
export type FollowUpStatus = 'pending' | 'delivered' | 'failed';

export interface FollowUpRow {
  message_id: string;
  project_id: string;
  session_id: string;
  text: string;
  status: FollowUpStatus;
  attempts: number;
  error: string | null;
  created_at: string;
  updated_at: string;
  [key: string]: SqlStorageValue;
}

export const FOLLOW_UP_TABLE_SQL = `CREATE TABLE follow_up_prompts (
     message_id TEXT PRIMARY KEY,
     project_id TEXT NOT NULL,
     session_id TEXT NOT NULL,
     text TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending',
     attempts INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX follow_up_prompts_pending ON follow_up_prompts(status, created_at);`;

/** Store a new pending prompt (idempotent on `messageId`). */
export function insertFollowUp(sql: SqlStorage, projectId: string, prompt: { messageId: string; sessionId: string; text: string }, now: string): void {
  sql.exec(
    'INSERT INTO follow_up_prompts (message_id, project_id, session_id, text, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT(message_id) DO NOTHING',
    prompt.messageId,
    projectId,
    prompt.sessionId,
    prompt.text,
    'pending',
    now,
    now,
  );
}

/** A queued prompt, or null. */
export function getFollowUp(sql: SqlStorage, messageId: string): FollowUpRow | null {
  return sql.exec<FollowUpRow>('SELECT * FROM follow_up_prompts WHERE message_id = ?', messageId).toArray()[0] ?? null;
}

/** Pending prompts, oldest first. */
export function listPendingFollowUps(sql: SqlStorage, limit: number): FollowUpRow[] {
  return sql.exec<FollowUpRow>("SELECT * FROM follow_up_prompts WHERE status = 'pending' ORDER BY created_at LIMIT ?", limit).toArray();
}

/** Record a delivery attempt's outcome (`pending` again means: retry later). */
export function settleFollowUp(sql: SqlStorage, messageId: string, status: FollowUpStatus, error: string | null, now: string): void {
  sql.exec('UPDATE follow_up_prompts SET status = ?, error = ?, attempts = attempts + 1, updated_at = ? WHERE message_id = ?', status, error, now, messageId);
}
