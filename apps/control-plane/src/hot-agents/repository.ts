/** D1 storage of hot agents (issue 15, migration 0011): `hot_agents`. Every SQL statement on it is here. */
import type { AgentType, HotAgent } from '@flotilla/contracts';
import { newId } from '@flotilla/contracts';

export interface HotAgentRow {
  id: string;
  project_id: string;
  agent_type: AgentType;
  node_id: string;
  workspace_id: string;
  agent_session_id: string;
  status: HotAgent['status'];
  task_id: string | null;
  created_at: string;
  claimed_at: string | null;
}

/** The public view of a row. */
export function toHotAgent(row: HotAgentRow): HotAgent {
  return { id: row.id, projectId: row.project_id, agentType: row.agent_type, nodeId: row.node_id, status: row.status, taskId: row.task_id, createdAt: row.created_at, claimedAt: row.claimed_at, onNode: null };
}

/** Record a new hot agent (status `ready`) of `projectId` and `agentType` on `nodeId`, with fresh ids. */
export async function insertHotAgent(db: D1Database, at: { projectId: string; agentType: AgentType; nodeId: string }): Promise<HotAgentRow> {
  const row: HotAgentRow = {
    id: newId('hot'),
    project_id: at.projectId,
    agent_type: at.agentType,
    node_id: at.nodeId,
    workspace_id: newId('ws'),
    agent_session_id: newId('as'),
    status: 'ready',
    task_id: null,
    created_at: new Date().toISOString(),
    claimed_at: null,
  };
  await db
    .prepare('INSERT INTO hot_agents (id, project_id, agent_type, node_id, workspace_id, agent_session_id, status, task_id, created_at, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)')
    .bind(row.id, row.project_id, row.agent_type, row.node_id, row.workspace_id, row.agent_session_id, row.status, row.created_at)
    .run();
  return row;
}

/**
 * Claim the oldest `ready` hot agent of `projectId` and `agentType` for `taskId`, on a node of
 * `userId` (whose credentials it holds) that is ready or warm, of `size`, and heard from since `aliveSince` (ISO). One statement: of any
 * number of tasks claiming at once, exactly one gets each hot agent.
 * @returns the claimed row, or null when there is none to claim
 */
export async function claimReadyHotAgent(db: D1Database, claim: { projectId: string; agentType: AgentType; taskId: string; userId: string; size: string; aliveSince: string }): Promise<HotAgentRow | null> {
  return db
    .prepare(
      `UPDATE hot_agents SET status = 'claimed', task_id = ?, claimed_at = ?
       WHERE id = (
         SELECT h.id FROM hot_agents h JOIN nodes n ON n.id = h.node_id
         WHERE h.project_id = ? AND h.agent_type = ? AND h.status = 'ready'
           AND n.status IN ('ready', 'warm') AND n.user_id = ? AND n.size = ? AND n.last_heartbeat_at >= ?
         ORDER BY h.created_at LIMIT 1)
       AND status = 'ready' RETURNING *`,
    )
    .bind(claim.taskId, new Date().toISOString(), claim.projectId, claim.agentType, claim.userId, claim.size, claim.aliveSince)
    .first<HotAgentRow>();
}

/**
 * The hot agent task `taskId` claimed since `since` (ISO: the start of the run's `node_selection`
 * step), or null. An earlier run's claim (the task retried or resumed) is never taken up again:
 * that hot agent was used once, by that run.
 */
export async function getHotAgentOfTask(db: D1Database, taskId: string, since: string): Promise<HotAgentRow | null> {
  return db.prepare("SELECT * FROM hot_agents WHERE task_id = ? AND status = 'claimed' AND claimed_at >= ?").bind(taskId, since).first<HotAgentRow>();
}

/** A hot agent can no longer be used (its node refused it, or is going away). */
export async function markHotAgentGone(db: D1Database, id: string): Promise<void> {
  await db.prepare("UPDATE hot_agents SET status = 'gone' WHERE id = ?").bind(id).run();
}

/**
 * Every `ready` hot agent on node `nodeId` is gone (its daemon restarted, or the node goes away).
 * @returns how many were
 */
export async function markNodeHotAgentsGone(db: D1Database, nodeId: string): Promise<number> {
  const result = await db.prepare("UPDATE hot_agents SET status = 'gone' WHERE node_id = ? AND status = 'ready'").bind(nodeId).run();
  return result.meta.changes ?? 0;
}

/** How many `ready` hot agents `projectId` keeps for `agentType` on live nodes (ready or warm). */
export async function countReadyHotAgents(db: D1Database, projectId: string, agentType: AgentType): Promise<number> {
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS n FROM hot_agents h JOIN nodes n ON n.id = h.node_id
       WHERE h.project_id = ? AND h.agent_type = ? AND h.status = 'ready' AND n.status IN ('ready', 'warm')`,
    )
    .bind(projectId, agentType)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** A project's hot agents, newest first (at most `limit`). */
export async function listHotAgents(db: D1Database, projectId: string, limit = 200): Promise<HotAgentRow[]> {
  const { results } = await db.prepare('SELECT * FROM hot_agents WHERE project_id = ? ORDER BY created_at DESC LIMIT ?').bind(projectId, limit).all<HotAgentRow>();
  return results;
}

/**
 * Nodes kept for hot agents: with a `ready` one, or one claimed since `claimedSince` (ISO) whose
 * task may not hold the node yet. A task that does not run on one of them does not take their node.
 */
export async function listNodesKeepingHotAgents(db: D1Database, claimedSince: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT DISTINCT node_id FROM hot_agents WHERE status = 'ready' OR (status = 'claimed' AND claimed_at >= ?)")
    .bind(claimedSince)
    .all<{ node_id: string }>();
  return results.map((row) => row.node_id);
}
