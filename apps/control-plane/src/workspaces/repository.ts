/**
 * D1 storage of workspaces and their agent sessions: `workspaces` and `agent_sessions`. Every
 * SQL statement on them is here.
 */
import type { AgentType, WorkspaceStatus } from '@flotilla/contracts';

export interface WorkspaceRow {
  id: string;
  node_id: string;
  project_id: string | null;
  task_id: string | null;
  chat_session_id: string | null;
  branch: string;
  status: WorkspaceStatus;
  error: string | null;
  /** When a task's kept workspace expires (ISO; migration 0010); null: it does not. */
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A workspace row with what the lists show beside it: its task's title and its project's name. */
export interface WorkspaceListRow extends WorkspaceRow {
  task_title: string | null;
  project_name: string | null;
}

/** What D1 knows of an agent session (the daemon knows more). */
export type AgentSessionRecordStatus = 'registered' | 'running' | 'stopped';

const now = () => new Date().toISOString();

/** Register a workspace (status `creating`); a repeated insert does nothing. `taskId` null: a workspace created by hand. */
export async function insertWorkspace(
  db: D1Database,
  ws: { id: string; nodeId: string; projectId: string; taskId: string | null; chatSessionId: string; branch: string },
): Promise<void> {
  const at = now();
  await db
    .prepare(
      "INSERT INTO workspaces (id, node_id, project_id, task_id, chat_session_id, branch, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'creating', ?, ?) ON CONFLICT(id) DO NOTHING",
    )
    .bind(ws.id, ws.nodeId, ws.projectId, ws.taskId, ws.chatSessionId, ws.branch, at, at)
    .run();
}

/** A workspace, or null. */
export async function getWorkspace(db: D1Database, id: string): Promise<WorkspaceRow | null> {
  return db.prepare('SELECT * FROM workspaces WHERE id = ?').bind(id).first<WorkspaceRow>();
}

/**
 * Set a workspace's status (and its error, cleared unless given) — unless it is destroyed: a
 * destroyed workspace stays destroyed (a late callback or failure does not revive it).
 * @returns whether the row changed (false: no such workspace, or it is destroyed)
 */
export async function setWorkspaceStatus(db: D1Database, id: string, status: WorkspaceStatus, error: string | null = null): Promise<boolean> {
  const result = await db
    .prepare("UPDATE workspaces SET status = ?, error = ?, updated_at = ? WHERE id = ? AND (status != 'destroyed' OR ? = 'destroyed')")
    .bind(status, error, now(), id, status)
    .run();
  return (result.meta.changes ?? 0) > 0;
}

/** Workspaces on a node that still exist (not destroyed). */
export async function countLiveWorkspaces(db: D1Database, nodeId: string): Promise<number> {
  const row = await db.prepare("SELECT COUNT(*) AS n FROM workspaces WHERE node_id = ? AND status NOT IN ('destroyed')").bind(nodeId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Ids of a node's workspaces that are not destroyed, oldest first. */
export async function liveWorkspaceIdsOfNode(db: D1Database, nodeId: string): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM workspaces WHERE node_id = ? AND status != 'destroyed' ORDER BY created_at").bind(nodeId).all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Of `workspaceIds`, those that are on node `nodeId` and not destroyed. */
export async function liveWorkspacesOfNodeAmong(db: D1Database, nodeId: string, workspaceIds: readonly string[]): Promise<string[]> {
  if (workspaceIds.length === 0) return [];
  const { results } = await db
    .prepare("SELECT id FROM workspaces WHERE node_id = ? AND status != 'destroyed' AND id IN (SELECT value FROM json_each(?))")
    .bind(nodeId, JSON.stringify([...new Set(workspaceIds)]))
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Keep a task's workspace for inspection until `expiresAtIso` (the node sweep deletes it then). */
export async function setWorkspaceExpiry(db: D1Database, id: string, expiresAtIso: string): Promise<void> {
  await db.prepare("UPDATE workspaces SET expires_at = ?, updated_at = ? WHERE id = ? AND status != 'destroyed'").bind(expiresAtIso, now(), id).run();
}

/** Workspaces (not destroyed) whose expiry is at or before `nowIso`, oldest expiry first, at most `limit`. */
export async function listExpiredWorkspaces(db: D1Database, nowIso: string, limit = 50): Promise<WorkspaceRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM workspaces WHERE expires_at IS NOT NULL AND expires_at <= ? AND status != 'destroyed' ORDER BY expires_at LIMIT ?")
    .bind(nowIso, limit)
    .all<WorkspaceRow>();
  return results;
}

const LIST_SELECT =
  'SELECT w.*, t.title AS task_title, p.name AS project_name FROM workspaces w LEFT JOIN tasks t ON t.id = w.task_id LEFT JOIN projects p ON p.id = w.project_id';

/** A project's workspaces that are not destroyed, newest first, with their task's title. */
export async function listLiveWorkspacesOfProject(db: D1Database, projectId: string): Promise<WorkspaceListRow[]> {
  const { results } = await db.prepare(`${LIST_SELECT} WHERE w.project_id = ? AND w.status != 'destroyed' ORDER BY w.created_at DESC`).bind(projectId).all<WorkspaceListRow>();
  return results;
}

/** A node's workspaces that are not destroyed, oldest first, with their task's title and project's name. */
export async function listLiveWorkspacesOfNode(db: D1Database, nodeId: string): Promise<WorkspaceListRow[]> {
  const { results } = await db.prepare(`${LIST_SELECT} WHERE w.node_id = ? AND w.status != 'destroyed' ORDER BY w.created_at`).bind(nodeId).all<WorkspaceListRow>();
  return results;
}

/** One workspace of project `projectId` with its task's title, or null. */
export async function getWorkspaceOfProject(db: D1Database, projectId: string, id: string): Promise<WorkspaceListRow | null> {
  return db.prepare(`${LIST_SELECT} WHERE w.id = ? AND w.project_id = ?`).bind(id, projectId).first<WorkspaceListRow>();
}

/** Ids of workspaces created by hand (no task) that are still being set up or running, for the cron. */
export async function listManualWorkspaceIdsUnderWay(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM workspaces WHERE task_id IS NULL AND status IN ('creating', 'running')").all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Register an agent session (status `registered`); a repeated insert does nothing. */
export async function insertAgentSession(db: D1Database, session: { id: string; workspaceId: string; taskId: string | null; agentType: string }): Promise<void> {
  const at = now();
  await db
    .prepare("INSERT INTO agent_sessions (id, workspace_id, task_id, agent_type, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'registered', ?, ?) ON CONFLICT(id) DO NOTHING")
    .bind(session.id, session.workspaceId, session.taskId, session.agentType, at, at)
    .run();
}

/** Set an agent session's status as D1 keeps it. */
export async function setAgentSessionStatus(db: D1Database, id: string, status: AgentSessionRecordStatus): Promise<void> {
  await db.prepare('UPDATE agent_sessions SET status = ?, updated_at = ? WHERE id = ?').bind(status, now(), id).run();
}

/** The newest agent session of a workspace with `status`, or null. */
export async function latestAgentSession(db: D1Database, workspaceId: string, status: AgentSessionRecordStatus): Promise<{ id: string; agentType: AgentType } | null> {
  const row = await db
    .prepare('SELECT id, agent_type FROM agent_sessions WHERE workspace_id = ? AND status = ? ORDER BY created_at DESC LIMIT 1')
    .bind(workspaceId, status)
    .first<{ id: string; agent_type: AgentType }>();
  return row ? { id: row.id, agentType: row.agent_type } : null;
}

/**
 * Claim a `registered` agent session for starting (it becomes `running`): of two callers at
 * once, exactly one gets true.
 */
export async function claimRegisteredAgentSession(db: D1Database, id: string): Promise<boolean> {
  const claim = await db.prepare("UPDATE agent_sessions SET status = 'running', updated_at = ? WHERE id = ? AND status = 'registered'").bind(now(), id).run();
  return claim.meta.changes === 1;
}
