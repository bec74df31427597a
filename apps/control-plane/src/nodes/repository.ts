/** D1 storage of nodes: `nodes`. Every SQL statement on it is here. */
import { AgentAvailability, type NodeStatus, type ProviderName, type VmSize } from '@flotilla/contracts';
import * as z from 'zod';

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
  /** How its agents are contained, as its daemon announced (migration 0005); null until ready. */
  sandbox: string | null;
  /** Which agents it can run, as its daemon announced (JSON AgentAvailability[], migration 0007); null until announced. */
  agents: string | null;
  agents_announced_at: string | null;
  /** The warm agent asked of its daemon and not taken yet (migration 0023, hot-agents/warm-agents.ts); the other two warm_agent_* columns are its ids. */
  warm_agent_type: string | null;
}

/** What a node must be to be reused for a run (node selection). */
export interface NodeFit {
  userId: string;
  provider: ProviderName;
  size: VmSize;
  location: string | null;
  /** Heartbeat at or after this ISO time (alive). */
  aliveSince: string;
  /** Only nodes running this daemon release; null: any. */
  daemonVersion: string | null;
}

/** Most candidates node selection looks at per kind (warm, with room). */
const MAX_CANDIDATES = 20;
/** Most nodes `GET /api/nodes` lists. */
const MAX_LISTED = 500;

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

/** A node, or null. */
export async function getNode(db: D1Database, id: string): Promise<NodeRow | null> {
  return db.prepare('SELECT * FROM nodes WHERE id = ?').bind(id).first<NodeRow>();
}

/** Nodes, newest first: with `status` only those, else all but destroyed ones. */
export async function listNodeRows(db: D1Database, status?: NodeStatus): Promise<NodeRow[]> {
  const query = status
    ? db.prepare(`SELECT * FROM nodes WHERE status = ? ORDER BY created_at DESC LIMIT ${MAX_LISTED}`).bind(status)
    : db.prepare(`SELECT * FROM nodes WHERE status != 'destroyed' ORDER BY created_at DESC LIMIT ${MAX_LISTED}`);
  const { results } = await query.all<NodeRow>();
  return results;
}

/**
 * The node's daemon is listening at `url` (its ready callback also counts as a heartbeat), in
 * one guarded statement: a `provisioning` node becomes `ready` at `url`; a `ready` or `warm` node
 * (a daemon that restarted) keeps its status and takes the new version, sandbox and agents only
 * when `url` is the URL recorded for it. Anything else changes
 * nothing: a node being destroyed, destroyed or failed is not revived, and a ready node's URL is
 * never changed (the control plane sends credentials there). The agents it can run are stored
 * with the time of the announcement when announced (an older daemon announces none: what was
 * stored stays).
 * @returns the node's status after the call, or null when nothing changed (no such node, or the
 *   guard refused it: {@link getNode} says why)
 */
export async function markNodeReady(
  db: D1Database,
  id: string,
  url: string,
  daemonVersion: string,
  sandbox: string,
  announcedAgents?: readonly AgentAvailability[],
): Promise<NodeStatus | null> {
  const at = now();
  const agents = announcedAgents === undefined ? null : JSON.stringify(announcedAgents);
  const row = await db
    .prepare(
      `UPDATE nodes SET status = CASE status WHEN 'provisioning' THEN 'ready' ELSE status END, url = ?, daemon_version = ?, sandbox = ?,
         agents = COALESCE(?, agents), agents_announced_at = CASE WHEN ? IS NULL THEN agents_announced_at ELSE ? END, last_heartbeat_at = ?, updated_at = ?
       WHERE id = ? AND (status = 'provisioning' OR (status IN ('ready', 'warm') AND url = ?)) RETURNING status`,
    )
    .bind(url, daemonVersion, sandbox, agents, agents, at, at, at, id, url)
    .first<{ status: NodeStatus }>();
  return row?.status ?? null;
}

const AnnouncedAgents = z.array(AgentAvailability);

/**
 * The agents a node's row says it can run (`agents`, parsed), or null when it announced none or
 * what is stored does not parse (never thrown: an unreadable announcement is no announcement).
 */
export function agentsOfNode(row: Pick<NodeRow, 'agents'>): AgentAvailability[] | null {
  if (row.agents === null) return null;
  try {
    const parsed = AnnouncedAgents.safeParse(JSON.parse(row.agents));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The newest announcement of agents by any node (any status, any user's: a destroyed node's
 * daemon ran with the settings its successors get, and every node runs the same daemon), or null
 * when no node announced any.
 */
export async function latestAgentAnnouncement(db: D1Database): Promise<AgentAvailability[] | null> {
  const row = await db
    .prepare('SELECT agents FROM nodes WHERE agents IS NOT NULL ORDER BY agents_announced_at DESC, created_at DESC LIMIT 1')
    .first<Pick<NodeRow, 'agents'>>();
  return row ? agentsOfNode(row) : null;
}

/** The node's daemon is alive now. */
export async function recordHeartbeat(db: D1Database, id: string): Promise<void> {
  const at = now();
  await db.prepare('UPDATE nodes SET last_heartbeat_at = ?, updated_at = ? WHERE id = ?').bind(at, at, id).run();
}

/** Set a node's status (and its error, cleared unless given). */
export async function setNodeStatus(db: D1Database, id: string, status: NodeStatus, error: string | null = null): Promise<void> {
  await db.prepare('UPDATE nodes SET status = ?, error = ?, updated_at = ? WHERE id = ?').bind(status, error, now(), id).run();
}

/** The node is warm since `warmSinceIso` (status `warm`), if it is ready or warm. */
export async function recordNodeWarm(db: D1Database, nodeId: string, warmSinceIso: string): Promise<void> {
  await db.prepare("UPDATE nodes SET status = 'warm', warm_since = ?, updated_at = ? WHERE id = ? AND status IN ('ready', 'warm')").bind(warmSinceIso, now(), nodeId).run();
}

/** A warm node is in use again (status `ready`, `warm_since` cleared). */
export async function recordNodeActive(db: D1Database, nodeId: string): Promise<void> {
  await db.prepare("UPDATE nodes SET status = 'ready', warm_since = NULL, updated_at = ? WHERE id = ? AND status = 'warm'").bind(now(), nodeId).run();
}

/** The node is gone (status `destroyed`, `warm_since` cleared). */
export async function recordNodeDestroyed(db: D1Database, nodeId: string): Promise<void> {
  await db.prepare("UPDATE nodes SET status = 'destroyed', warm_since = NULL, updated_at = ? WHERE id = ?").bind(now(), nodeId).run();
}

const FITS = 'user_id = ? AND provider = ? AND size = ? AND location IS ? AND auto_provisioned = 1 AND last_heartbeat_at >= ? AND (? IS NULL OR daemon_version = ?)';
const fitValues = (fit: NodeFit) => [fit.userId, fit.provider, fit.size, fit.location, fit.aliveSince, fit.daemonVersion, fit.daemonVersion];

/** Ids of warm nodes that fit, most recently warm first. */
export async function listWarmNodesFitting(db: D1Database, fit: NodeFit): Promise<string[]> {
  const { results } = await db.prepare(`SELECT id FROM nodes WHERE status = 'warm' AND ${FITS} ORDER BY warm_since DESC LIMIT ${MAX_CANDIDATES}`).bind(...fitValues(fit)).all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Ids of active (`ready`) nodes that fit, oldest first. */
export async function listActiveNodesFitting(db: D1Database, fit: NodeFit): Promise<string[]> {
  const { results } = await db.prepare(`SELECT id FROM nodes WHERE status = 'ready' AND ${FITS} ORDER BY created_at LIMIT ${MAX_CANDIDATES}`).bind(...fitValues(fit)).all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Ids of warm nodes warm since `cutoffIso` or earlier. */
export async function listNodesWarmSince(db: D1Database, cutoffIso: string): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM nodes WHERE status = 'warm' AND warm_since IS NOT NULL AND warm_since <= ?").bind(cutoffIso).all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Ids of auto-provisioned nodes created at `cutoffIso` or earlier, not destroyed, on which no task is under way. */
export async function listIdleNodesCreatedBefore(db: D1Database, cutoffIso: string): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT n.id FROM nodes n WHERE n.auto_provisioned = 1 AND n.status IN ('provisioning', 'ready', 'warm', 'destroying', 'error') AND n.created_at <= ?
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.node_id = n.id AND t.status IN ('queued', 'delegated', 'in_progress'))`,
    )
    .bind(cutoffIso)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Ids of warm nodes running a daemon release other than `servedVersion`. */
export async function listWarmNodesNotRunning(db: D1Database, servedVersion: string): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM nodes WHERE status = 'warm' AND daemon_version IS NOT NULL AND daemon_version != ?").bind(servedVersion).all<{ id: string }>();
  return results.map((row) => row.id);
}
