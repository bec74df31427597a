/**
 * The session archives in D1 (migration 0022): one per chat session and agent type, replaced by a
 * newer one, deleted by the cron once older than SESSION_ARCHIVE_RETENTION_DAYS (and never read
 * after that age). The archive is kept as the bytes the daemon sent (gzip of contracts
 * `SessionArchiveBundle`); the control plane never opens it.
 */
import type { AgentType } from '@flotilla/contracts';

/** One stored archive. */
export interface SessionArchive {
  chatSessionId: string;
  agentType: AgentType;
  projectId: string;
  workspaceId: string;
  acpSessionId: string;
  /** gzip of the bundle, as the daemon sent it. */
  archive: Uint8Array;
  /** ms since the epoch. */
  createdAt: number;
}

interface SessionArchiveRow {
  chat_session_id: string;
  agent_type: AgentType;
  project_id: string;
  workspace_id: string;
  acp_session_id: string;
  archive: ArrayBuffer | number[];
  created_at: number;
}

/** Store `archive`, replacing the one of the same chat session and agent type. */
export async function putSessionArchive(db: D1Database, archive: SessionArchive): Promise<void> {
  await db
    .prepare(
      `INSERT INTO session_archives (chat_session_id, agent_type, project_id, workspace_id, acp_session_id, archive, size_bytes, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (chat_session_id, agent_type) DO UPDATE SET project_id = excluded.project_id, workspace_id = excluded.workspace_id,
         acp_session_id = excluded.acp_session_id, archive = excluded.archive, size_bytes = excluded.size_bytes, created_at = excluded.created_at`,
    )
    .bind(archive.chatSessionId, archive.agentType, archive.projectId, archive.workspaceId, archive.acpSessionId, archive.archive, archive.archive.byteLength, archive.createdAt)
    .run();
}

/**
 * The archive of chat session `chatSessionId` for agent type `agentType`, when there is one made
 * at or after `notBeforeMs` (ms since the epoch: older ones are past their retention).
 */
export async function getSessionArchive(db: D1Database, chatSessionId: string, agentType: AgentType, notBeforeMs: number): Promise<SessionArchive | null> {
  const row = await db
    .prepare('SELECT * FROM session_archives WHERE chat_session_id = ? AND agent_type = ? AND created_at >= ?')
    .bind(chatSessionId, agentType, notBeforeMs)
    .first<SessionArchiveRow>();
  if (!row) return null;
  return {
    chatSessionId: row.chat_session_id,
    agentType: row.agent_type,
    projectId: row.project_id,
    workspaceId: row.workspace_id,
    acpSessionId: row.acp_session_id,
    archive: new Uint8Array(row.archive),
    createdAt: row.created_at,
  };
}

/**
 * Delete up to `batch` archives made before `beforeMs` (ms since the epoch), oldest first.
 * @returns how many were deleted
 */
export async function deleteSessionArchivesBefore(db: D1Database, beforeMs: number, batch: number): Promise<number> {
  const result = await db
    .prepare('DELETE FROM session_archives WHERE rowid IN (SELECT rowid FROM session_archives WHERE created_at < ? ORDER BY created_at LIMIT ?)')
    .bind(beforeMs, batch)
    .run();
  return result.meta.changes;
}
