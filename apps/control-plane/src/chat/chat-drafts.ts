/**
 * Drafts of one project's chat, on the ProjectData SQLite (`chat_drafts`): the text so far of
 * messages agents are still writing (contracts `ChatDraft`, `ChatMessageInput.draft`). One row
 * per message, replaced by each newer draft and deleted when the message itself is stored, so a
 * viewer that connects mid-answer sees it as far as it is written. Plain functions over
 * `SqlStorage`, called inside the caller's transaction.
 */
import type { ChatDraft, ChatMessageInput, MessageRole } from '@flotilla/contracts';

interface DraftRow {
  message_id: string;
  session_id: string;
  role: MessageRole;
  content: string;
  created_at: string;
  updated_at: string;
  [key: string]: SqlStorageValue;
}

/** SQL of the `chat_drafts` table (schema.ts migration 3). */
export const DRAFT_TABLE_SQL = `CREATE TABLE chat_drafts (
     message_id TEXT PRIMARY KEY,
     session_id TEXT NOT NULL REFERENCES chat_sessions(id),
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX chat_drafts_session ON chat_drafts(session_id);`;

function toDraft(row: DraftRow): ChatDraft {
  return { messageId: row.message_id, sessionId: row.session_id, role: row.role, content: row.content, createdAt: row.created_at, updatedAt: row.updated_at };
}

/**
 * Store drafts, each replacing the earlier draft of its message. A draft of a message already
 * stored is skipped (its final text is there). Sessions must have been checked before.
 *
 * @returns the drafts stored, in order
 */
export function saveDrafts(sql: SqlStorage, drafts: readonly ChatMessageInput[]): ChatDraft[] {
  const now = new Date().toISOString();
  const saved: ChatDraft[] = [];
  for (const draft of drafts) {
    if (sql.exec('SELECT 1 FROM chat_messages WHERE message_id = ?', draft.messageId).toArray().length > 0) continue;
    const row = sql
      .exec<DraftRow>(
        `INSERT INTO chat_drafts (message_id, session_id, role, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at
         RETURNING *`,
        draft.messageId,
        draft.sessionId,
        draft.role,
        draft.content,
        draft.timestamp,
        now,
      )
      .one();
    saved.push(toDraft(row));
  }
  return saved;
}

/** Forget the drafts of these messages (they are stored now). */
export function deleteDrafts(sql: SqlStorage, messageIds: readonly string[]): void {
  for (const id of messageIds) sql.exec('DELETE FROM chat_drafts WHERE message_id = ?', id);
}

/** The drafts of a session, oldest first. */
export function listDrafts(sql: SqlStorage, sessionId: string): ChatDraft[] {
  return sql.exec<DraftRow>('SELECT * FROM chat_drafts WHERE session_id = ? ORDER BY created_at, message_id', sessionId).toArray().map(toDraft);
}
