/**
 * Agent session records in the daemon database (table `agent_sessions`). An agent session is
 * identified by its workspace and its id (the id is unique within the workspace).
 */
import type { AgentSessionInfo, AgentSessionStatus, AgentType } from '@flotilla/contracts';
import type { SqliteDatabase } from './database.js';

export interface AgentSessionRecord {
  workspaceId: string;
  agentSessionId: string;
  /** Chat session the session's messages go to (falls back to the workspace's). */
  chatSessionId: string | null;
  status: AgentSessionStatus;
  agentType: AgentType | null;
  taskId: string | null;
  taskTitle: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SessionStart {
  agentType: AgentType;
  taskId: string | null;
  taskTitle: string | null;
}

interface Row {
  workspace_id: string;
  agent_session_id: string;
  chat_session_id: string | null;
  status: AgentSessionStatus;
  agent_type: AgentType | null;
  task_id: string | null;
  task_title: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

function toRecord(row: Row): AgentSessionRecord {
  return {
    workspaceId: row.workspace_id,
    agentSessionId: row.agent_session_id,
    chatSessionId: row.chat_session_id,
    status: row.status,
    agentType: row.agent_type,
    taskId: row.task_id,
    taskTitle: row.task_title,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The public view of an agent session (`AgentSessionInfo` in contracts node.ts). */
export function toAgentSessionInfo(record: AgentSessionRecord): AgentSessionInfo {
  return {
    agentSessionId: record.agentSessionId,
    workspaceId: record.workspaceId,
    status: record.status,
    agentType: record.agentType,
    error: record.error,
  };
}

/** Synchronous CRUD over the `agent_sessions` table (better-sqlite3). */
export class AgentSessionStore {
  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Insert a session in status `registered`.
   *
   * @returns false when the workspace already has a session with this id (nothing changed).
   */
  insert(workspaceId: string, agentSessionId: string, chatSessionId: string | null): boolean {
    const now = new Date().toISOString();
    const result = this.db
      .prepare(
        `INSERT INTO agent_sessions (workspace_id, agent_session_id, chat_session_id, status, created_at, updated_at)
         VALUES (?, ?, ?, 'registered', ?, ?) ON CONFLICT (workspace_id, agent_session_id) DO NOTHING`,
      )
      .run(workspaceId, agentSessionId, chatSessionId, now, now);
    return result.changes > 0;
  }

  get(workspaceId: string, agentSessionId: string): AgentSessionRecord | undefined {
    const row = this.db
      .prepare<[string, string], Row>('SELECT * FROM agent_sessions WHERE workspace_id = ? AND agent_session_id = ?')
      .get(workspaceId, agentSessionId);
    return row ? toRecord(row) : undefined;
  }

  /** Sessions in any of `statuses`, all workspaces, oldest first. */
  listByStatus(statuses: readonly AgentSessionStatus[]): AgentSessionRecord[] {
    return this.db
      .prepare<[string], Row>(
        'SELECT * FROM agent_sessions WHERE status IN (SELECT value FROM json_each(?)) ORDER BY created_at',
      )
      .all(JSON.stringify(statuses))
      .map(toRecord);
  }

  /**
   * Move a `registered` session to `starting` and record what it starts with — atomically, so two
   * concurrent start requests cannot both win.
   *
   * @returns false when the session is not in status `registered` (nothing changed).
   */
  markStarting(workspaceId: string, agentSessionId: string, start: SessionStart): boolean {
    const result = this.db
      .prepare(
        `UPDATE agent_sessions SET status = 'starting', agent_type = ?, task_id = ?, task_title = ?, updated_at = ?
         WHERE workspace_id = ? AND agent_session_id = ? AND status = 'registered'`,
      )
      .run(start.agentType, start.taskId, start.taskTitle, new Date().toISOString(), workspaceId, agentSessionId);
    return result.changes > 0;
  }

  /** Set the status (and the error; null clears it). */
  setStatus(workspaceId: string, agentSessionId: string, status: AgentSessionStatus, error: string | null = null): void {
    this.db
      .prepare(
        'UPDATE agent_sessions SET status = ?, error = ?, updated_at = ? WHERE workspace_id = ? AND agent_session_id = ?',
      )
      .run(status, error, new Date().toISOString(), workspaceId, agentSessionId);
  }
}
