/** D1 access to `nodes`, `workspaces` and `agent_sessions`. */
import type { NodeStatus, WorkspaceStatus } from '@flotilla/contracts';

export interface NodeRow {
  id: string;
  provider: string;
  status: NodeStatus;
  url: string | null;
  size: string | null;
  auto_provisioned: number;
  daemon_version: string | null;
  last_heartbeat_at: string | null;
  warm_since: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  /** Added by migration 0003. */
  user_id: string;
  machine_type: string | null;
  location: string | null;
}

export interface WorkspaceRow {
  id: string;
  node_id: string;
  project_id: string | null;
  task_id: string | null;
  chat_session_id: string | null;
  branch: string;
  status: WorkspaceStatus;
  error: string | null;
  created_at: string;
  updated_at: string;
}

const now = () => new Date().toISOString();

/** Register an auto-provisioned node (status `provisioning`); a repeated insert does nothing. */
export async function insertNode(
  db: D1Database,
  node: { id: string; provider: string; size: string | null; userId?: string; machineType?: string | null; location?: string | null },
): Promise<void> {
  const at = now();
  await db
    .prepare(
      "INSERT INTO nodes (id, provider, status, size, auto_provisioned, user_id, machine_type, location, created_at, updated_at) VALUES (?, ?, 'provisioning', ?, 1, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
    )
    .bind(node.id, node.provider, node.size, node.userId ?? 'local', node.machineType ?? null, node.location ?? null, at, at)
    .run();
}

export async function getNode(db: D1Database, id: string): Promise<NodeRow | null> {
  return db.prepare('SELECT * FROM nodes WHERE id = ?').bind(id).first<NodeRow>();
}

export async function markNodeReady(db: D1Database, id: string, url: string, daemonVersion: string): Promise<void> {
  const at = now();
  await db
    .prepare("UPDATE nodes SET status = 'ready', url = ?, daemon_version = ?, last_heartbeat_at = ?, updated_at = ? WHERE id = ?")
    .bind(url, daemonVersion, at, at, id)
    .run();
}

export async function recordHeartbeat(db: D1Database, id: string): Promise<void> {
  const at = now();
  await db.prepare('UPDATE nodes SET last_heartbeat_at = ?, updated_at = ? WHERE id = ?').bind(at, at, id).run();
}

export async function setNodeStatus(db: D1Database, id: string, status: NodeStatus, error: string | null = null): Promise<void> {
  await db.prepare('UPDATE nodes SET status = ?, error = ?, updated_at = ? WHERE id = ?').bind(status, error, now(), id).run();
}

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

export async function getWorkspace(db: D1Database, id: string): Promise<WorkspaceRow | null> {
  return db.prepare('SELECT * FROM workspaces WHERE id = ?').bind(id).first<WorkspaceRow>();
}

export async function setWorkspaceStatus(db: D1Database, id: string, status: WorkspaceStatus, error: string | null = null): Promise<void> {
  await db.prepare('UPDATE workspaces SET status = ?, error = ?, updated_at = ? WHERE id = ?').bind(status, error, now(), id).run();
}

/** Workspaces on a node that still exist (not destroyed). */
export async function countLiveWorkspaces(db: D1Database, nodeId: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM workspaces WHERE node_id = ? AND status NOT IN ('destroyed')")
    .bind(nodeId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export async function insertAgentSession(
  db: D1Database,
  session: { id: string; workspaceId: string; taskId: string | null; agentType: string },
): Promise<void> {
  const at = now();
  await db
    .prepare("INSERT INTO agent_sessions (id, workspace_id, task_id, agent_type, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'registered', ?, ?) ON CONFLICT(id) DO NOTHING")
    .bind(session.id, session.workspaceId, session.taskId, session.agentType, at, at)
    .run();
}

export async function setAgentSessionStatus(db: D1Database, id: string, status: string): Promise<void> {
  await db.prepare('UPDATE agent_sessions SET status = ?, updated_at = ? WHERE id = ?').bind(status, now(), id).run();
}
